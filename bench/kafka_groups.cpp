// Consumer-group benchmark for bench/run-all: the same clients against the emulator's coordinator and
// librdkafka's mock cluster.
//
//   kafka_groups rebalance BOOTSTRAP TOPIC MEMBERS ROUNDS
//       each round a fresh group of MEMBERS librdkafka KafkaConsumers subscribes to TOPIC at once; the
//       round's time runs from the first subscribe to the moment every member holds an assignment and
//       the assignments cover TOPIC's partitions exactly once (the group Stable with all of them). The
//       members then close (LeaveGroup) before the next round.
//   kafka_groups idle BOOTSTRAP SERVER_PID MEMBERS GROUP_SIZE SECONDS
//       MEMBERS group members over the wire protocol itself (JoinGroup, SyncGroup, Heartbeat v0; one
//       connection each, all in this one thread), in groups of GROUP_SIZE, heartbeating every 3 s (Kafka's
//       heartbeat.interval.ms default) with 10 s sessions. Once all are Stable it reads the broker
//       process's CPU time and resident memory from /proc/SERVER_PID, stays idle for SECONDS and reads
//       them again: the CPU share of one core the idle members cost, and their memory.
//
// KAFKA_GROUPS_CONFIG="name=value,..." adds librdkafka settings to the rebalance members.
// KAFKA_GROUPS_DEBUG=1 prints the idle members' errors and, every 2 s, how many are in each phase.
// Prints one line of key=value pairs on stdout (times in ms); errors go to stderr with a non-zero exit.
#include <arpa/inet.h>
#include <librdkafka/rdkafka.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "kafka_groups: %s\n", what.c_str());
    std::exit(1);
}

std::int64_t mono_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// ---- rebalance: librdkafka members ---------------------------------------------------------------------

using settings = std::vector<std::pair<std::string, std::string>>;

settings extra_config() {
    settings out;
    const char* text = std::getenv("KAFKA_GROUPS_CONFIG");
    if (text == nullptr) return out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        const auto eq = item.find('=');
        if (eq != std::string::npos) out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    }
    return out;
}

rd_kafka_t* make_consumer(const std::string& bootstrap, const std::string& group, int index) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    settings all{{"bootstrap.servers", bootstrap},
                 {"group.id", group},
                 {"client.id", "kafka-groups-" + std::to_string(index)},
                 {"session.timeout.ms", "6000"},
                 {"heartbeat.interval.ms", "500"},
                 {"enable.auto.commit", "false"},
                 {"log_level", "3"}};
    const auto extra = extra_config();
    all.insert(all.end(), extra.begin(), extra.end());
    for (const auto& [name, value] : all) {
        if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
            fail(name + ": " + err);
    }
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (rk == nullptr) fail(std::string("rd_kafka_new: ") + err);
    return rk;
}

int topic_partitions(rd_kafka_t* rk, const std::string& topic) {
    rd_kafka_topic_t* handle = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* metadata = nullptr;
    if (rd_kafka_metadata(rk, 0, handle, &metadata, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR)
        fail("metadata of " + topic);
    const int count = metadata->topic_cnt == 1 ? metadata->topics[0].partition_cnt : 0;
    rd_kafka_metadata_destroy(metadata);
    rd_kafka_topic_destroy(handle);
    if (count == 0) fail("topic " + topic + " has no partitions");
    return count;
}

std::vector<int> assignment_of(rd_kafka_t* rk) {
    std::vector<int> out;
    rd_kafka_topic_partition_list_t* list = nullptr;
    if (rd_kafka_assignment(rk, &list) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
    for (int i = 0; i < list->cnt; ++i) out.push_back(list->elems[i].partition);
    rd_kafka_topic_partition_list_destroy(list);
    return out;
}

int run_rebalance(const std::string& bootstrap, const std::string& topic, int members, int rounds) {
    std::vector<double> times;
    for (int round = 0; round < rounds; ++round) {
        const std::string group = "kafka-groups-" + std::to_string(::getpid()) + "-" + std::to_string(round);
        std::vector<rd_kafka_t*> consumers;
        for (int i = 0; i < members; ++i) consumers.push_back(make_consumer(bootstrap, group, i));
        const int partitions = topic_partitions(consumers[0], topic);
        rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(topics, topic.c_str(), RD_KAFKA_PARTITION_UA);

        // One polling thread per member, as an application has; the main thread watches the assignments.
        std::atomic<bool> stop{false};
        std::mutex lock;
        std::vector<std::vector<int>> held(members);
        const auto start = mono_ms();
        for (auto* rk : consumers) rd_kafka_subscribe(rk, topics);
        std::vector<std::thread> pollers;
        for (int i = 0; i < members; ++i) {
            pollers.emplace_back([&, i] {
                while (!stop) {
                    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumers[i], 10);
                    if (m) rd_kafka_message_destroy(m);
                    auto now = assignment_of(consumers[i]);
                    std::lock_guard<std::mutex> guard(lock);
                    held[i] = std::move(now);
                }
            });
        }
        std::int64_t done = -1;
        while (done < 0 && mono_ms() - start < 60000) {
            {
                std::lock_guard<std::mutex> guard(lock);
                std::set<int> covered;
                std::size_t total = 0;
                bool everyone = true;
                for (const auto& h : held) {
                    everyone = everyone && (!h.empty() || members > partitions);
                    total += h.size();
                    covered.insert(h.begin(), h.end());
                }
                if (everyone && total == static_cast<std::size_t>(partitions) &&
                    covered.size() == static_cast<std::size_t>(partitions))
                    done = mono_ms();
            }
            if (done < 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        stop = true;
        for (auto& t : pollers) t.join();
        for (auto* rk : consumers) {
            rd_kafka_consumer_close(rk);
            rd_kafka_destroy(rk);
        }
        rd_kafka_topic_partition_list_destroy(topics);
        if (done < 0) fail("round " + std::to_string(round) + ": the group did not settle within 60 s");
        times.push_back(static_cast<double>(done - start));
    }
    std::sort(times.begin(), times.end());
    std::printf("members=%d rounds=%d min_ms=%.0f median_ms=%.0f max_ms=%.0f\n", members, rounds,
                times.front(), times[times.size() / 2], times.back());
    return 0;
}

// ---- idle: wire-protocol members -----------------------------------------------------------------------

class writer {
  public:
    writer& i16(std::int16_t v) { return raw(htons(static_cast<std::uint16_t>(v)), 2); }
    writer& i32(std::int32_t v) { return raw(htonl(static_cast<std::uint32_t>(v)), 4); }
    writer& str(const std::string& s) {
        i16(static_cast<std::int16_t>(s.size()));
        out_ += s;
        return *this;
    }
    writer& bytes(const std::string& b) {
        i32(static_cast<std::int32_t>(b.size()));
        out_ += b;
        return *this;
    }
    std::string done() const { return out_; }

  private:
    template <typename T>
    writer& raw(T v, std::size_t n) {
        out_.append(reinterpret_cast<const char*>(&v), n);
        return *this;
    }
    std::string out_;
};

class reader {
  public:
    explicit reader(const std::string& in) : in_(in) {}
    std::int16_t i16() {
        std::uint16_t v = 0;
        take(&v, 2);
        return static_cast<std::int16_t>(ntohs(v));
    }
    std::int32_t i32() {
        std::uint32_t v = 0;
        take(&v, 4);
        return static_cast<std::int32_t>(ntohl(v));
    }
    std::string str() {
        const auto n = i16();
        return n < 0 ? std::string() : chunk(static_cast<std::size_t>(n));
    }
    std::string bytes() {
        const auto n = i32();
        return n < 0 ? std::string() : chunk(static_cast<std::size_t>(n));
    }

  private:
    void take(void* to, std::size_t n) {
        if (at_ + n > in_.size()) fail("short response");
        std::memcpy(to, in_.data() + at_, n);
        at_ += n;
    }
    std::string chunk(std::size_t n) {
        if (at_ + n > in_.size()) fail("short response");
        auto out = in_.substr(at_, n);
        at_ += n;
        return out;
    }
    const std::string& in_;
    std::size_t at_ = 0;
};

constexpr std::int16_t find_coordinator_key = 10;
constexpr std::int16_t join_group_key = 11;
constexpr std::int16_t heartbeat_key = 12;
constexpr std::int16_t leave_group_key = 13;
constexpr std::int16_t sync_group_key = 14;
constexpr std::int32_t session_timeout_ms = 10000;
constexpr std::int64_t heartbeat_interval_ms = 3000;

std::string frame(std::int16_t key, std::int32_t correlation, const std::string& body) {
    const std::string header = writer().i16(key).i16(0).i32(correlation).str("kafka-groups").done();
    return writer().i32(static_cast<std::int32_t>(header.size() + body.size())).done() + header + body;
}

int connect_to(const std::string& host, int port) {
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found)
        fail("resolve " + host);
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || ::connect(fd, found->ai_addr, found->ai_addrlen) != 0)
        fail("connect " + host + ":" + std::to_string(port) + ": " + std::strerror(errno));
    freeaddrinfo(found);
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

// A connection started without waiting for it (the members' sockets are non-blocking).
int connect_started(const sockaddr_in& to) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) fail(std::string("socket: ") + std::strerror(errno));
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS)
        fail(std::string("connect: ") + std::strerror(errno));
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

void send_all(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        const auto n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd p{fd, POLLOUT, 0};
            ::poll(&p, 1, 1000);
            continue;
        }
        if (n <= 0) fail(std::string("send: ") + std::strerror(errno));
        sent += static_cast<std::size_t>(n);
    }
}

// Blocking read of one response body (after the size and correlation id).
std::string read_response(int fd) {
    auto read_n = [fd](std::size_t n) {
        std::string out(n, '\0');
        std::size_t got = 0;
        while (got < n) {
            const auto r = ::recv(fd, out.data() + got, n - got, 0);
            if (r <= 0) fail("connection closed");
            got += static_cast<std::size_t>(r);
        }
        return out;
    };
    const auto size_bytes = read_n(4);
    const auto size = reader(size_bytes).i32();
    auto body = read_n(static_cast<std::size_t>(size));
    return body.substr(4);
}

struct member {
    enum class phase { joining, syncing, stable };
    std::string group;
    int fd = -1;
    std::string input;
    phase at = phase::joining;
    std::string member_id;
    std::int32_t generation = -1;
    std::vector<std::string> peers;  // the leader's view of the group at the last join
    bool leader = false;
    std::int64_t next_heartbeat = 0;
    std::int64_t sync_at = -1;  // the leader's SyncGroup, held back briefly (see on_response)
    std::int32_t correlation = 0;
};

// The consumer protocol's subscription to no topic, and an assignment of nothing (version 0).
const std::string no_subscription = writer().i16(0).i32(0).i32(-1).done();
const std::string no_assignment = writer().i16(0).i32(0).i32(-1).done();

void send_join(member& m) {
    const auto body = writer()
                          .str(m.group)
                          .i32(session_timeout_ms)
                          .str(m.member_id)
                          .str("consumer")
                          .i32(1)
                          .str("range")
                          .bytes(no_subscription)
                          .done();
    m.at = member::phase::joining;
    send_all(m.fd, frame(join_group_key, ++m.correlation, body));
}

void send_sync(member& m) {
    writer w;
    w.str(m.group).i32(m.generation).str(m.member_id);
    if (m.leader) {
        w.i32(static_cast<std::int32_t>(m.peers.size()));
        for (const auto& peer : m.peers) w.str(peer).bytes(no_assignment);
    } else {
        w.i32(0);
    }
    m.at = member::phase::syncing;
    send_all(m.fd, frame(sync_group_key, ++m.correlation, w.done()));
}

void send_heartbeat(member& m) {
    send_all(m.fd, frame(heartbeat_key, ++m.correlation,
                         writer().str(m.group).i32(m.generation).str(m.member_id).done()));
}

struct counters {
    std::int64_t heartbeats = 0;
    std::int64_t rejoins = 0;
    std::int64_t errors = 0;
};

// One response for `m` (whose request it answers: one is in flight per member at a time).
void on_response(member& m, const std::string& body, counters& count, std::int64_t now) {
    reader r(body);
    const auto error = r.i16();
    if (error != 0 && std::getenv("KAFKA_GROUPS_DEBUG"))
        std::fprintf(stderr, "%s phase %d: error %d\n", m.member_id.c_str(), static_cast<int>(m.at), error);
    switch (m.at) {
        case member::phase::joining: {
            if (error == 25) m.member_id.clear();  // UNKNOWN_MEMBER_ID: join as a new member
            if (error != 0) {
                ++count.errors;
                send_join(m);
                return;
            }
            m.generation = r.i32();
            r.str();  // protocol
            const auto leader = r.str();
            m.member_id = r.str();
            m.leader = leader == m.member_id;
            m.peers.clear();
            const auto n = r.i32();
            for (std::int32_t i = 0; i < n; ++i) {
                m.peers.push_back(r.str());
                r.bytes();
            }
            // The leader syncs 20 ms after the others: librdkafka's mock completes a sync as soon as the
            // leader's assignments are in and then refuses (INVALID_REQUEST) a member's SyncGroup still on
            // its way. Kafka takes them in any order; the delay costs both brokers the same.
            if (m.leader) {
                m.at = member::phase::syncing;
                m.sync_at = now + 20;
            } else {
                send_sync(m);
            }
            return;
        }
        case member::phase::syncing:
            if (error != 0) {
                ++count.rejoins;
                if (error == 25) m.member_id.clear();
                send_join(m);
                return;
            }
            m.at = member::phase::stable;
            m.next_heartbeat = now + heartbeat_interval_ms;
            return;
        case member::phase::stable:
            ++count.heartbeats;
            if (error != 0) {
                ++count.rejoins;
                if (error == 25) m.member_id.clear();
                send_join(m);
                return;
            }
            m.next_heartbeat = now + heartbeat_interval_ms;
            return;
    }
}

struct process_sample {
    double cpu_s = 0;
    long rss_kib = 0;
};

// CPU time of all the process's threads (/proc/PID/task/*/schedstat, in ns: exact where the 10 ms ticks
// of /proc/PID/stat would be coarse) and its resident memory.
process_sample sample(int pid) {
    process_sample out;
    const std::string root = "/proc/" + std::to_string(pid);
    std::error_code error;
    std::uint64_t ns = 0;
    for (const auto& task : std::filesystem::directory_iterator(root + "/task", error)) {
        std::ifstream stat(task.path() / "schedstat");
        std::uint64_t run = 0;
        if (stat >> run) ns += run;
    }
    if (error) fail("cannot read " + root + "/task");
    out.cpu_s = static_cast<double>(ns) / 1e9;
    std::ifstream status(root + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) out.rss_kib = std::stol(line.substr(6));
    }
    return out;
}

int run_idle(const std::string& bootstrap, int pid, int members, int group_size, int seconds) {
    rlimit files{};
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
    if (static_cast<rlim_t>(members) + 64 > files.rlim_cur) fail("too many members for the open-file limit");

    const auto comma = bootstrap.find(',');
    const auto first = bootstrap.substr(0, comma);
    const auto colon = first.rfind(':');
    const int boot = connect_to(first.substr(0, colon), std::stoi(first.substr(colon + 1)));
    const auto before = sample(pid);

    std::vector<member> all(static_cast<std::size_t>(members));
    std::map<std::string, std::pair<std::string, int>> coordinators;
    std::int32_t correlation = 0;
    const auto connect_start = mono_ms();
    for (int i = 0; i < members; ++i) {
        auto& m = all[static_cast<std::size_t>(i)];
        m.group = "idle-" + std::to_string(::getpid()) + "-" + std::to_string(i / group_size);
        auto found = coordinators.find(m.group);
        if (found == coordinators.end()) {
            send_all(boot, frame(find_coordinator_key, ++correlation, writer().str(m.group).done()));
            const auto body = read_response(boot);
            reader r(body);
            if (const auto error = r.i16(); error != 0)
                fail("FindCoordinator: error " + std::to_string(error));
            r.i32();  // node id
            auto host = r.str();
            const auto port = r.i32();
            found = coordinators.emplace(m.group, std::make_pair(host, port)).first;
        }
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(static_cast<std::uint16_t>(found->second.second));
        if (inet_pton(AF_INET, found->second.first.c_str(), &to.sin_addr) != 1)
            fail("coordinator host " + found->second.first + " is not an IPv4 address");
        m.fd = connect_started(to);
    }
    // Every connection established (writable, no socket error) before the first JoinGroup.
    for (auto& m : all) {
        pollfd p{m.fd, POLLOUT, 0};
        if (::poll(&p, 1, 30000) != 1) fail("a member's connection was not established within 30 s");
        int error = 0;
        socklen_t size = sizeof error;
        getsockopt(m.fd, SOL_SOCKET, SO_ERROR, &error, &size);
        if (error != 0) fail(std::string("connect: ") + std::strerror(error));
    }
    const auto start = mono_ms();
    if (std::getenv("KAFKA_GROUPS_DEBUG"))
        std::fprintf(stderr, "connected in %lld ms\n", static_cast<long long>(start - connect_start));
    for (auto& m : all) send_join(m);

    counters count;
    std::vector<pollfd> fds(all.size());
    auto all_stable = [&] {
        std::map<std::string, std::set<std::int32_t>> generations;
        for (const auto& m : all) {
            if (m.at != member::phase::stable) return false;
            generations[m.group].insert(m.generation);
        }
        for (const auto& m : all) {
            if (m.leader && m.peers.size() != static_cast<std::size_t>(group_size)) return false;
        }
        return std::all_of(generations.begin(), generations.end(),
                           [](const auto& g) { return g.second.size() == 1; });
    };
    std::int64_t stable_at = -1;
    process_sample idle_start;
    std::int64_t idle_from = 0;
    std::int64_t heartbeats_at_start = 0;
    std::int64_t rejoins_at_start = 0;
    while (true) {
        const auto now = mono_ms();
        if (stable_at < 0 && all_stable()) {
            stable_at = now;
            idle_start = sample(pid);
            idle_from = now;
            heartbeats_at_start = count.heartbeats;
            rejoins_at_start = count.rejoins;
        }
        if (stable_at >= 0 && now - idle_from >= seconds * 1000LL) break;
        if (stable_at < 0 && now - start > 120000) fail("the members did not all become Stable within 120 s");
        if (std::getenv("KAFKA_GROUPS_DEBUG") && now / 2000 != (now - 20) / 2000) {
            int phases[3] = {0, 0, 0};
            for (const auto& m : all) ++phases[static_cast<int>(m.at)];
            std::fprintf(stderr, "joining %d syncing %d stable %d\n", phases[0], phases[1], phases[2]);
        }
        for (auto& m : all) {
            if (m.sync_at >= 0 && m.sync_at <= now) {
                m.sync_at = -1;
                send_sync(m);
            }
            if (m.at == member::phase::stable && m.next_heartbeat <= now) {
                m.next_heartbeat = now + 60000;  // until the answer comes
                send_heartbeat(m);
            }
        }
        for (std::size_t i = 0; i < all.size(); ++i) fds[i] = pollfd{all[i].fd, POLLIN, 0};
        if (::poll(fds.data(), fds.size(), 20) < 0 && errno != EINTR) fail("poll");
        for (std::size_t i = 0; i < all.size(); ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            auto& m = all[i];
            char buffer[65536];
            const auto n = ::recv(m.fd, buffer, sizeof buffer, 0);
            if (n <= 0) fail("a member's connection closed");
            m.input.append(buffer, static_cast<std::size_t>(n));
            while (m.input.size() >= 4) {
                const auto size = static_cast<std::size_t>(reader(m.input.substr(0, 4)).i32());
                if (m.input.size() < 4 + size) break;
                const auto body = m.input.substr(8, size - 4);
                m.input.erase(0, 4 + size);
                on_response(m, body, count, mono_ms());
            }
        }
    }
    const auto idle_end = sample(pid);
    const double idle_s = static_cast<double>(mono_ms() - idle_from) / 1000.0;
    for (auto& m : all) {
        send_all(m.fd,
                 frame(leave_group_key, ++m.correlation, writer().str(m.group).str(m.member_id).done()));
    }
    for (auto& m : all) ::close(m.fd);
    ::close(boot);
    std::printf(
        "members=%d group_size=%d stable_ms=%lld idle_s=%.1f heartbeats=%lld rejoins_idle=%lld errors=%lld "
        "server_cpu_pct=%.2f rss_before_kib=%ld rss_idle_kib=%ld\n",
        members, group_size, static_cast<long long>(stable_at - start), idle_s,
        static_cast<long long>(count.heartbeats - heartbeats_at_start),
        static_cast<long long>(count.rejoins - rejoins_at_start), static_cast<long long>(count.errors),
        100.0 * (idle_end.cpu_s - idle_start.cpu_s) / idle_s, before.rss_kib, idle_end.rss_kib);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "rebalance" && argc == 6)
        return run_rebalance(argv[2], argv[3], std::atoi(argv[4]), std::atoi(argv[5]));
    if (mode == "idle" && argc == 7)
        return run_idle(argv[2], std::atoi(argv[3]), std::atoi(argv[4]), std::atoi(argv[5]),
                        std::atoi(argv[6]));
    std::fprintf(stderr,
                 "usage: kafka_groups rebalance BOOTSTRAP TOPIC MEMBERS ROUNDS\n"
                 "       kafka_groups idle BOOTSTRAP SERVER_PID MEMBERS GROUP_SIZE SECONDS\n");
    return 2;
}
