// Concurrency stress over real sockets: client threads produce, read and delete DMS messages (through REST
// and, on the same partitions, through the instance's Kafka listener: Produce batches in several codecs,
// Fetch, DeleteRecords) and commit, read and delete DIS checkpoints on shared partitions of one server for
// a bounded time, recording every acknowledged operation; group consumers, one per consumer group, join
// their group over the wire, commit offsets (some below the log start those deletions move), have REST
// resets refused while they are members, leave, and reset their empty group through REST. Afterwards (and
// during the run, where an observation allows it) the invariants:
//   1. per partition, the log start offset never decreases, never passes the end offset, and never lags an
//      acknowledged deletion;
//   2. every acknowledged message is readable, or below an acknowledged deletion;
//   3. offsets have no gaps and no duplicates (every offset in [start, end) holds exactly one acknowledged
//      message, and each acknowledged message sits at one offset only);
//   4. every acknowledged checkpoint commit is visible unless a later commit or delete was acknowledged;
//   5. a group's committed offsets, on OffsetFetch and the REST views, are exactly the last acknowledged
//      commit or reset of each partition, after every one of them and at the end: a refused reset and a
//      message deletion change none.
// EMU_STRESS_SECONDS (default 3), EMU_STRESS_THREADS (default 16) and EMU_STRESS_GROUP_THREADS (group
// consumers, default 4; 0: none) bound the run.
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "kafka/protocol/codec.hpp"
#include "kafka/protocol/record_batch.hpp"
#include "tests/support/kafka_connection.hpp"
#include "tests/support/test_server.hpp"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;
namespace protocol = emu::kafka::protocol;

constexpr int kafka_partitions = 4;
constexpr int dis_partitions = 4;
constexpr int dis_records_per_partition = 20;
const std::string project = emu::test::project_id;
const std::string topic = "stress";
const std::string stream = "stress";
const std::string app = "stress-app";

int env_int(const char* name, int fallback, int minimum = 1) {
    const char* text = std::getenv(name);
    if (text == nullptr || *text == '\0') return fallback;
    const int value = std::atoi(text);
    return value >= minimum ? value : fallback;
}

// The first violation is enough to fail; all are printed.
std::mutex report_mutex;  // guards violations
std::vector<std::string> violations;
void violation(const std::string& text) {
    std::lock_guard lock(report_mutex);
    if (violations.size() < 50) std::fprintf(stderr, "VIOLATION: %s\n", text.c_str());
    violations.push_back(text);
}

struct reply {
    unsigned status = 0;
    std::string body;
};

// One keep-alive connection, reopened only when the server has said it closes it.
class client {
  public:
    explicit client(std::uint16_t port) : port_(port) {}

    // A transport failure throws: a request that got no answer may or may not have been applied, so it is
    // neither retried nor recorded, and the run fails (the server keeps these connections open throughout).
    reply call(const std::string& method, const std::string& target, const std::string& body = {}) {
        if (!stream_) connect();
        http::request<http::string_body> req;
        req.method_string(method);
        req.target(target);
        req.version(11);
        req.set(http::field::host, "127.0.0.1");
        req.set("X-Auth-Token", emu::test::test_token);
        req.set(http::field::content_type, "application/json");
        req.keep_alive(true);
        if (!body.empty() || method == "POST" || method == "PUT") {
            req.body() = body;
            req.prepare_payload();
        }
        http::write(*stream_, req);
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        http::read(*stream_, buffer_, parser);
        auto res = parser.release();
        if (!res.keep_alive()) stream_.reset();
        return reply{res.result_int(), std::move(res.body())};
    }

  private:
    void connect() {
        stream_.emplace(ioc_);
        stream_->connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_));
        buffer_.clear();
    }

    std::uint16_t port_;
    net::io_context ioc_;
    std::optional<beast::tcp_stream> stream_;
    beast::flat_buffer buffer_;
};

rapidjson::Document parse(const reply& r, const char* what) {
    rapidjson::Document doc;
    doc.Parse(r.body.c_str(), r.body.size());
    if (doc.HasParseError()) violation(std::string(what) + ": answer is not JSON: " + r.body);
    return doc;
}

std::int64_t since_start_ns(clock_type::time_point start) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - start).count();
}

// ---- DMS paths ----------------------------------------------------------------------------------------

struct dms_paths {
    std::string instance;
    std::string send() const {
        return "/v2/" + project + "/instances/" + instance + "/messages/action?action_id=send";
    }
    std::string partitions() const {
        return "/v2/" + project + "/kafka/instances/" + instance + "/topics/" + topic + "/partitions";
    }
    std::string message(int partition, std::int64_t offset) const {
        return "/v2/" + project + "/instances/" + instance + "/management/topics/" + topic + "/partitions/" +
               std::to_string(partition) + "/message?message_offset=" + std::to_string(offset);
    }
    std::string delete_messages() const {
        return "/v2/" + project + "/kafka/instances/" + instance + "/topics/" + topic + "/messages/delete";
    }
    std::string show_group(const std::string& group) const {
        return "/v2/" + project + "/instances/" + instance + "/management/groups/" + group;
    }
    std::string engine_group(const std::string& group) const {
        return "/v2/kafka/" + project + "/instances/" + instance + "/groups/" + group;
    }
    std::string group_offsets(const std::string& group) const {
        return engine_group(group) + "/message-offset?topic=" + topic + "&limit=50";
    }
};

struct bounds {
    std::int64_t start = 0;
    std::int64_t end = 0;
};

// ---- what every thread records ------------------------------------------------------------------------

struct checkpoint_op {
    int partition = 0;
    bool is_delete = false;
    std::int64_t sequence = -1;
    std::string metadata;
    std::int64_t invoked_ns = 0;
    std::int64_t acked_ns = 0;
};

struct checkpoint_read {
    int partition = 0;
    std::string sequence;
    std::string metadata;
    std::int64_t invoked_ns = 0;
    std::int64_t acked_ns = 0;
};

struct observed_message {
    int partition;
    std::int64_t offset;
    std::string value;
};

// What a group has committed on one partition of the topic.
struct committed_offset {
    std::int64_t offset = -1;
    std::string metadata;
    bool operator==(const committed_offset&) const = default;
};
using committed_map = std::map<int, committed_offset>;  // by partition

std::string describe(const committed_map& offsets) {
    std::string out;
    for (const auto& [p, c] : offsets) {
        out += (out.empty() ? "" : ", ") + std::to_string(p) + ":" + std::to_string(c.offset) +
               (c.metadata.empty() ? "" : "/" + c.metadata);
    }
    return "{" + out + "}";
}

// The offsets alone, as the REST views show them.
std::map<int, std::int64_t> offsets_of(const committed_map& committed) {
    std::map<int, std::int64_t> out;
    for (const auto& [p, c] : committed) out[p] = c.offset;
    return out;
}

struct thread_log {
    std::vector<std::vector<std::string>> produced = std::vector<std::vector<std::string>>(kafka_partitions);
    std::vector<observed_message> observed;
    std::vector<checkpoint_op> checkpoints;
    std::vector<checkpoint_read> checkpoint_reads;
    std::map<std::string, std::uint64_t> counts;
    // A group worker's group and the last acknowledged commit or reset of each partition.
    std::string group;
    committed_map committed;
};

// The highest offset an acknowledged deletion has cut each partition to.
std::atomic<std::int64_t> acked_delete[kafka_partitions];

void raise_to(std::atomic<std::int64_t>& target, std::int64_t value) {
    auto current = target.load();
    while (current < value && !target.compare_exchange_weak(current, value)) {
    }
}

// ---- consumer groups ----------------------------------------------------------------------------------

// Each group worker owns one group: only it joins the group, commits to it and resets it, one request at a
// time, so what the group has committed is exactly known after every acknowledged write. The other workers
// send resets to the group only while its owner is a member, which the coordinator must refuse without
// changing anything; `membership` keeps the owner from leaving while one of those is in flight.
struct group_slot {
    std::string name;
    std::shared_mutex membership;
    bool has_members = false;  // guarded by membership: true only between the owner's sync and its leave
};
std::vector<std::unique_ptr<group_slot>> group_slots;  // filled before the workers start

// The next response on a Kafka connection, or a violation: an unanswered request may or may not have been
// applied, so the run fails.
std::optional<std::string> kafka_call(emu::test::kafka_connection& kafka, const std::string& request,
                                      const char* what) {
    if (!kafka.send_request(request)) {
        violation(std::string(what) + ": the Kafka connection closed");
        return std::nullopt;
    }
    auto response = kafka.read_response();
    if (!response) violation(std::string(what) + ": no Kafka response");
    return response;
}

// The consumer protocol's subscription to the topic and assignment of partitions of it (version 0, no
// user data).
std::string consumer_subscription() {
    std::string out;
    protocol::writer w(out);
    w.int16(0);
    w.array_length(1);
    w.string(topic);
    w.nullable_bytes(std::nullopt);
    return out;
}

std::string consumer_assignment(const std::vector<int>& partitions) {
    std::string out;
    protocol::writer w(out);
    w.int16(0);
    w.array_length(1);
    w.string(topic);
    w.array_length(partitions.size());
    for (const auto p : partitions) w.int32(p);
    w.nullable_bytes(std::nullopt);
    return out;
}

// A response read past its correlation id and throttle_time_ms.
protocol::reader past_throttle(const std::string& response) {
    protocol::reader r(response);
    r.int32();
    r.int32();
    return r;
}

// OffsetFetch v5 of all the group has committed (topics null); none after a violation.
std::optional<committed_map> offset_fetch(emu::test::kafka_connection& kafka, std::int32_t correlation,
                                          const std::string& group) {
    std::string request = emu::test::kafka_request_header(9, 5, correlation);
    protocol::writer w(request);
    w.string(group);
    w.int32(-1);
    const auto response = kafka_call(kafka, request, "OffsetFetch");
    if (!response) return std::nullopt;
    auto r = past_throttle(*response);
    committed_map out;
    for (auto topics = r.array_length(false); topics > 0; --topics) {
        const std::string name(r.string());
        for (auto partitions = r.array_length(false); partitions > 0; --partitions) {
            const int p = r.int32();
            committed_offset c;
            c.offset = r.int64();
            r.int32();  // committed_leader_epoch
            c.metadata = std::string(r.nullable_string().value_or(""));
            const auto error = r.int16();
            if (name != topic || error != 0) {
                violation(group + ": OffsetFetch answered " + name + "/" + std::to_string(p) +
                          " with error " + std::to_string(error));
                return std::nullopt;
            }
            out[p] = std::move(c);
        }
    }
    if (const auto error = r.int16(); error != 0) {
        violation(group + ": OffsetFetch answered error " + std::to_string(error));
        return std::nullopt;
    }
    return out;
}

// A REST reset of the group's offsets on the topic (one partition, or -1: all), through either route.
reply reset_offsets(client& c, const dms_paths& dms, const std::string& group, bool engine_route,
                    int partition, std::int64_t offset) {
    return c.call(engine_route ? "PUT" : "POST",
                  (engine_route ? dms.engine_group(group) : dms.show_group(group)) + "/reset-message-offset",
                  R"({"topic":")" + topic + R"(","partition":)" + std::to_string(partition) +
                      R"(,"message_offset":)" + std::to_string(offset) + "}");
}

bool refused_as_not_empty(const reply& r) {
    return r.status == 400 && r.body.find("DMS.00400800") != std::string::npos;
}

// ListInstanceConsumerGroupMessageOffset must show exactly the `expected` offsets, each partition with the
// member assigned it (`owners`; none: no member).
bool check_rest_offsets(client& c, const dms_paths& dms, const std::string& group,
                        const committed_map& expected, const std::map<int, std::string>& owners,
                        const std::string& when) {
    const auto r = c.call("GET", dms.group_offsets(group));
    const auto doc = parse(r, "ListInstanceConsumerGroupMessageOffset");
    if (r.status != 200 || !doc.IsObject() || !doc.HasMember("group_message_offsets")) {
        violation(group + ": ListInstanceConsumerGroupMessageOffset answered " + std::to_string(r.status) +
                  ": " + r.body);
        return false;
    }
    std::map<int, std::int64_t> shown;
    bool owners_match = true;
    for (const auto& row : doc["group_message_offsets"].GetArray()) {
        const int p = row["partition"].GetInt();
        shown[p] = row["message_current_offset"].GetInt64();
        const auto owner = owners.find(p);
        owners_match &= row["consumer_id"].GetString() == (owner == owners.end() ? "" : owner->second);
    }
    if (shown != offsets_of(expected) || !owners_match ||
        doc["total"].GetInt64() != static_cast<std::int64_t>(expected.size())) {
        violation(group + ": after " + when + ", ListInstanceConsumerGroupMessageOffset answered " + r.body +
                  ", the last acknowledged writes were " + describe(expected));
        return false;
    }
    return true;
}

class worker {
  public:
    // `own`: the group a group worker owns; none for the others.
    worker(int id, std::uint16_t port, std::uint16_t kafka_port, const dms_paths& dms,
           clock_type::time_point start, group_slot* own = nullptr)
        : id_(id),
          client_(port),
          kafka_(kafka_port),
          dms_(dms),
          start_(start),
          rng_(static_cast<std::uint64_t>(id) * 7919 + 1),
          own_(own) {}

    thread_log run(clock_type::time_point deadline) {
        if (own_ != nullptr) {
            // A violation leaves the group's state unknown: the worker stops there.
            while (clock_type::now() < deadline && group_cycle()) {
            }
            log_.group = own_->name;
            log_.committed = expected_;
            return std::move(log_);
        }
        while (clock_type::now() < deadline) {
            const int pick = std::uniform_int_distribution<int>(0, 99)(rng_);
            if (pick < 25)
                produce();
            else if (pick < 40)
                kafka_produce();
            else if (pick < 55)
                query();
            else if (pick < 65)
                kafka_fetch();
            else if (pick < 70)
                delete_messages();
            else if (pick < 73)
                kafka_delete_records();
            else if (pick < 88)
                commit_checkpoint();
            else if (pick < 94)
                delete_checkpoint();
            else if (pick < 97 || group_slots.empty())
                read_checkpoint();
            else
                reset_members_group();
        }
        return std::move(log_);
    }

  private:
    int random_partition(int count) { return std::uniform_int_distribution<int>(0, count - 1)(rng_); }

    void produce() {
        const int partition = random_partition(kafka_partitions);
        const std::string value = "t" + std::to_string(id_) + "-" + std::to_string(sequence_++);
        const auto r = client_.call("POST", dms_.send(),
                                    R"({"topic":")" + topic + R"(","body":")" + value +
                                        R"(","property_list":[{"name":"PARTITION","value":")" +
                                        std::to_string(partition) + R"("}]})");
        if (r.status != 200) return violation("produce answered " + std::to_string(r.status) + ": " + r.body);
        log_.produced[static_cast<std::size_t>(partition)].push_back(value);
        ++log_.counts["dms produce"];
    }

    // Reads every partition's offsets and checks invariant 1 against this thread's earlier reads and the
    // deletions acknowledged before the read was sent.
    std::optional<std::vector<bounds>> read_bounds() {
        std::int64_t floor[kafka_partitions];
        for (int p = 0; p < kafka_partitions; ++p) floor[p] = acked_delete[p].load();
        const auto r = client_.call("GET", dms_.partitions());
        ++log_.counts["dms partition offsets read"];
        if (r.status != 200) {
            violation("ListTopicPartitions answered " + std::to_string(r.status) + ": " + r.body);
            return std::nullopt;
        }
        const auto doc = parse(r, "ListTopicPartitions");
        if (!doc.IsObject() || !doc.HasMember("partitions") || !doc["partitions"].IsArray() ||
            doc["partitions"].Size() != kafka_partitions) {
            violation("ListTopicPartitions: unexpected answer " + r.body);
            return std::nullopt;
        }
        std::vector<bounds> out(kafka_partitions);
        for (const auto& entry : doc["partitions"].GetArray()) {
            const int p = entry["partition"].GetInt();
            bounds b{entry["start_offset"].GetInt64(), entry["last_offset"].GetInt64()};
            const std::string where = "partition " + std::to_string(p) + ": ";
            if (b.start > b.end)
                violation(where + "start offset " + std::to_string(b.start) + " exceeds end " +
                          std::to_string(b.end));
            if (b.start < seen_[p].start)
                violation(where + "start offset decreased from " + std::to_string(seen_[p].start) + " to " +
                          std::to_string(b.start));
            if (b.end < seen_[p].end)
                violation(where + "end offset decreased from " + std::to_string(seen_[p].end) + " to " +
                          std::to_string(b.end));
            if (b.start < floor[p])
                violation(where + "start offset " + std::to_string(b.start) +
                          " below an acknowledged deletion to " + std::to_string(floor[p]));
            seen_[p] = b;
            out[static_cast<std::size_t>(p)] = b;
        }
        return out;
    }

    // A random partition with its bounds as read now (invariant 1 checked); none when the read failed.
    std::optional<std::pair<int, bounds>> random_partition_bounds() {
        const auto all = read_bounds();
        if (!all) return std::nullopt;
        const int partition = random_partition(kafka_partitions);
        return std::pair{partition, (*all)[static_cast<std::size_t>(partition)]};
    }

    std::int64_t random_offset(std::int64_t low, std::int64_t high) {
        return std::uniform_int_distribution<std::int64_t>(low, high)(rng_);
    }

    // A random partition and an offset its log holds, as read now; none when the read failed or the log is
    // empty.
    std::optional<std::pair<int, std::int64_t>> random_offset_in_log() {
        const auto picked = random_partition_bounds();
        if (!picked || picked->second.start == picked->second.end) return std::nullopt;
        return std::pair{picked->first, random_offset(picked->second.start, picked->second.end - 1)};
    }

    // An offset to delete to: at most a few messages past the start, so that most of the log stays.
    std::int64_t random_deletion_point(const bounds& b) {
        return random_offset(b.start, std::min(b.end, b.start + 5));
    }

    void query() {
        const auto picked = random_offset_in_log();
        if (!picked) return;
        const auto [partition, offset] = *picked;
        const auto r = client_.call("GET", dms_.message(partition, offset));
        ++log_.counts["dms message read"];
        if (r.status != 200)
            return violation("ShowPartitionMessage answered " + std::to_string(r.status) + ": " + r.body);
        const auto doc = parse(r, "ShowPartitionMessage");
        if (!doc.IsObject() || !doc.HasMember("message") || !doc["message"].IsArray()) {
            return violation("ShowPartitionMessage: unexpected answer " + r.body);
        }
        if (doc["message"].Empty()) {
            // Only a deletion racing this read may hide an offset the log had: the start must have passed it.
            const auto after = read_bounds();
            if (after && (*after)[static_cast<std::size_t>(partition)].start <= offset) {
                violation("partition " + std::to_string(partition) + ": offset " + std::to_string(offset) +
                          " inside the log but unreadable");
            }
            return;
        }
        log_.observed.push_back({partition, offset, doc["message"][0]["value"].GetString()});
    }

    void delete_messages() {
        const auto picked = random_partition_bounds();
        if (!picked) return;
        const auto [partition, b] = *picked;
        const auto offset = random_deletion_point(b);
        const auto r = client_.call("POST", dms_.delete_messages(),
                                    R"({"partitions":[{"partition":)" + std::to_string(partition) +
                                        R"(,"offset":)" + std::to_string(offset) + "}]}");
        if (r.status != 200)
            return violation("DeleteKafkaTopicMessages answered " + std::to_string(r.status) + ": " + r.body);
        const auto doc = parse(r, "DeleteKafkaTopicMessages");
        const auto& result = doc["partitions"][0];
        if (std::string(result["result"].GetString()) == "success") {
            raise_to(acked_delete[partition], offset);
            ++log_.counts["dms delete acknowledged"];
        } else {
            violation("deleting partition " + std::to_string(partition) + " to " + std::to_string(offset) +
                      ", within the log read before, failed: " + r.body);
        }
    }

    // ---- the same partitions over the Kafka wire protocol ----

    // A request's topics array of one topic and one partition, up to the partition's own fields.
    static void write_one_partition(protocol::writer& w, int partition) {
        w.array_length(1);
        w.string(topic);
        w.array_length(1);
        w.int32(partition);
    }

    // A response read past the correlation id (and throttle_time_ms, when it comes first) to its one topic's
    // one partition's fields.
    static protocol::reader at_one_partition(const std::string& response, bool throttle_first) {
        protocol::reader r(response);
        r.int32();
        if (throttle_first) r.int32();
        r.array_length(false);
        r.string();
        r.array_length(false);
        r.int32();
        return r;
    }

    // Produce v3 of one batch of 1-3 records, in a random codec; acknowledged records join the log.
    void kafka_produce() {
        const int partition = random_partition(kafka_partitions);
        const int count = std::uniform_int_distribution<int>(1, 3)(rng_);
        std::vector<protocol::record> records;
        std::vector<std::string> values;
        for (int i = 0; i < count; ++i) {
            protocol::record r;
            r.offset = i;
            r.timestamp = 1'700'000'000'000 + i;
            values.push_back("w" + std::to_string(id_) + "-" + std::to_string(sequence_++));
            r.value = values.back();
            records.push_back(std::move(r));
        }
        const auto codec =
            static_cast<protocol::compression_codec>(std::uniform_int_distribution<int>(0, 4)(rng_));
        std::string request = emu::test::kafka_request_header(0, 3, ++correlation_);
        protocol::writer w(request);
        w.nullable_string(std::nullopt);
        w.int16(std::uniform_int_distribution<int>(0, 1)(rng_) == 0 ? std::int16_t{1} : std::int16_t{-1});
        w.int32(10000);
        write_one_partition(w, partition);
        w.nullable_bytes(protocol::encode_batch(protocol::batch_header{}, records, codec));
        const auto response = kafka_call(kafka_, request, "Produce");
        if (!response) return;
        auto r = at_one_partition(*response, false);
        const std::int16_t error = r.int16();
        if (error != 0) return violation("Produce answered error " + std::to_string(error));
        for (auto& value : values)
            log_.produced[static_cast<std::size_t>(partition)].push_back(std::move(value));
        ++log_.counts["kafka produce"];
    }

    // Fetch v5 from a random offset inside the log; every record at or past it is an observation.
    void kafka_fetch() {
        const auto picked = random_offset_in_log();
        if (!picked) return;
        const auto [partition, offset] = *picked;
        std::string request = emu::test::kafka_request_header(1, 5, ++correlation_);
        protocol::writer w(request);
        w.int32(-1);
        w.int32(0);
        w.int32(0);
        w.int32(1 << 12);  // a few batches: enough to observe, little to re-check
        w.int8(0);
        write_one_partition(w, partition);
        w.int64(offset);
        w.int64(-1);
        w.int32(1 << 12);
        const auto response = kafka_call(kafka_, request, "Fetch");
        if (!response) return;
        auto r = at_one_partition(*response, true);
        const std::int16_t error = r.int16();
        r.int64();  // high_watermark
        r.int64();  // last_stable_offset
        r.int64();  // log_start_offset
        r.array_length(false);
        const auto records = r.nullable_bytes();
        ++log_.counts["kafka fetch"];
        if (error == 1) {  // OFFSET_OUT_OF_RANGE: only a deletion racing this fetch may explain it
            const auto after = read_bounds();
            if (after && (*after)[static_cast<std::size_t>(partition)].start <= offset) {
                violation("Fetch of partition " + std::to_string(partition) + " at " +
                          std::to_string(offset) + " out of range, but the log start has not passed it");
            }
            return;
        }
        if (error != 0) return violation("Fetch answered error " + std::to_string(error));
        if (!records || records->empty()) {
            return violation("Fetch of partition " + std::to_string(partition) + " at " +
                             std::to_string(offset) + " inside the log returned no records");
        }
        try {
            for (const auto& batch : protocol::split_batches(*records).batches) {
                for (const auto& record : protocol::decode_records(batch, 1 << 20)) {
                    if (record.offset >= offset) {
                        log_.observed.push_back({partition, record.offset, record.value.value_or("")});
                    }
                }
            }
        } catch (const std::exception& e) {
            violation(std::string("Fetch records do not decode: ") + e.what());
        }
    }

    // DeleteRecords v1 of one partition, to an offset a few past the start.
    void kafka_delete_records() {
        const auto picked = random_partition_bounds();
        if (!picked) return;
        const auto [partition, b] = *picked;
        const auto offset = random_deletion_point(b);
        std::string request = emu::test::kafka_request_header(21, 1, ++correlation_);
        protocol::writer w(request);
        write_one_partition(w, partition);
        w.int64(offset);
        w.int32(10000);
        const auto response = kafka_call(kafka_, request, "DeleteRecords");
        if (!response) return;
        auto r = at_one_partition(*response, true);
        const std::int64_t low = r.int64();
        const std::int16_t error = r.int16();
        if (error != 0 || low < offset) {
            return violation("DeleteRecords of partition " + std::to_string(partition) + " to " +
                             std::to_string(offset) + " answered error " + std::to_string(error) +
                             ", low watermark " + std::to_string(low));
        }
        raise_to(acked_delete[partition], offset);
        ++log_.counts["kafka delete acknowledged"];
    }

    std::string checkpoint_query(int partition) const {
        return "app_name=" + app + "&checkpoint_type=LAST_READ&stream_name=" + stream +
               "&partition_id=" + std::to_string(partition);
    }

    void commit_checkpoint() {
        checkpoint_op op;
        op.partition = random_partition(dis_partitions);
        op.sequence = std::uniform_int_distribution<std::int64_t>(0, dis_records_per_partition - 1)(rng_);
        op.metadata = "t" + std::to_string(id_) + "-" + std::to_string(sequence_++);
        op.invoked_ns = since_start_ns(start_);
        const auto r = client_.call(
            "POST", "/v2/" + project + "/checkpoints",
            R"({"app_name":")" + app + R"(","checkpoint_type":"LAST_READ","stream_name":")" + stream +
                R"(","partition_id":")" + std::to_string(op.partition) + R"(","sequence_number":")" +
                std::to_string(op.sequence) + R"(","metadata":")" + op.metadata + R"("})");
        record_checkpoint(std::move(op), r, 201, "CommitCheckpoint");
    }

    // Records a checkpoint operation just answered, if it was acknowledged with `status`.
    void record_checkpoint(checkpoint_op op, const reply& r, unsigned status, const char* what) {
        op.acked_ns = since_start_ns(start_);
        if (r.status != status)
            return violation(std::string(what) + " answered " + std::to_string(r.status) + ": " + r.body);
        ++log_.counts[op.is_delete ? "dis checkpoint delete" : "dis checkpoint commit"];
        log_.checkpoints.push_back(std::move(op));
    }

    void delete_checkpoint() {
        checkpoint_op op;
        op.partition = random_partition(dis_partitions);
        op.is_delete = true;
        op.invoked_ns = since_start_ns(start_);
        const auto r =
            client_.call("DELETE", "/v2/" + project + "/checkpoints?" + checkpoint_query(op.partition));
        record_checkpoint(std::move(op), r, 204, "DeleteCheckpoint");
    }

    void read_checkpoint() {
        checkpoint_read read;
        read.partition = random_partition(dis_partitions);
        read.invoked_ns = since_start_ns(start_);
        const auto r =
            client_.call("GET", "/v2/" + project + "/checkpoints?" + checkpoint_query(read.partition));
        read.acked_ns = since_start_ns(start_);
        if (r.status != 200)
            return violation("ShowCheckpoint answered " + std::to_string(r.status) + ": " + r.body);
        const auto doc = parse(r, "ShowCheckpoint");
        read.sequence = doc["sequence_number"].GetString();
        read.metadata = doc["metadata"].GetString();
        log_.checkpoint_reads.push_back(std::move(read));
        ++log_.counts["dis checkpoint read"];
    }

    // ---- the group this worker owns (group workers) ----

    // One member's life in the group: join, sync, commits, heartbeats and refused resets, leave; then, with
    // the group empty, a reset or a commit for the group. After every acknowledged write, OffsetFetch and
    // the REST view must show exactly the last acknowledged write of every partition. False on a violation.
    bool group_cycle() {
        if (!join_group() || !sync_group()) return false;
        set_has_members(true);
        if (!check_committed("the join")) return false;
        for (int steps = std::uniform_int_distribution<int>(2, 5)(rng_); steps > 0; --steps) {
            const int pick = std::uniform_int_distribution<int>(0, 9)(rng_);
            const bool ok = pick < 6 ? member_commit() : pick < 8 ? owner_reset_refused() : heartbeat();
            if (!ok) return false;
        }
        set_has_members(false);
        if (!leave_group() || !check_committed("leaving")) return false;
        const int pick = std::uniform_int_distribution<int>(0, 9)(rng_);
        if (pick < 5) return reset_empty_group();
        if (pick < 8) return commit_offsets(random_commit_offsets({0, 1, 2, 3}), -1, "");
        return true;
    }

    void set_has_members(bool value) {
        std::unique_lock lock(own_->membership);
        own_->has_members = value;
    }

    std::string join_request(const std::string& member_id) {
        std::string request = emu::test::kafka_request_header(11, 5, ++correlation_);
        protocol::writer w(request);
        w.string(own_->name);
        w.int32(60000);  // session_timeout_ms: no expiry within a run, even under a sanitizer
        w.int32(60000);  // rebalance_timeout_ms
        w.string(member_id);
        w.nullable_string(std::nullopt);  // group_instance_id
        w.string("consumer");
        w.array_length(1);
        w.string("range");
        w.nullable_bytes(consumer_subscription());
        return request;
    }

    // JoinGroup v5 without a member id (MEMBER_ID_REQUIRED gives one), then with it: the only member, so
    // the leader of a new generation.
    bool join_group() {
        const auto first = kafka_call(kafka_, join_request(""), "JoinGroup");
        if (!first) return false;
        auto r1 = past_throttle(*first);
        const auto required = r1.int16();
        r1.int32();
        r1.string();
        r1.string();
        const std::string member_id(r1.string());
        if (required != 79 || member_id.empty()) {
            violation(own_->name + ": a JoinGroup without a member id answered error " +
                      std::to_string(required) + ", member id '" + member_id + "'");
            return false;
        }
        const auto second = kafka_call(kafka_, join_request(member_id), "JoinGroup");
        if (!second) return false;
        auto r = past_throttle(*second);
        const auto error = r.int16();
        const auto generation = r.int32();
        const std::string chosen(r.string());
        const std::string leader(r.string());
        const std::string member(r.string());
        const auto members = r.array_length(false);
        if (error != 0 || generation <= generation_ || chosen != "range" || leader != member_id ||
            member != member_id || members != 1) {
            violation(own_->name + ": the JoinGroup of " + member_id + " answered error " +
                      std::to_string(error) + ", generation " + std::to_string(generation) + " after " +
                      std::to_string(generation_) + ", protocol " + chosen + ", leader " + leader + ", " +
                      std::to_string(members) + " members");
            return false;
        }
        member_id_ = member_id;
        generation_ = generation;
        ++log_.counts["group join"];
        return true;
    }

    // SyncGroup v3: the leader assigns itself some of the partitions and gets its assignment back.
    bool sync_group() {
        assigned_.clear();
        for (int p = 0; p < kafka_partitions; ++p) {
            if (std::uniform_int_distribution<int>(0, 1)(rng_) == 0) assigned_.push_back(p);
        }
        if (assigned_.empty()) assigned_.push_back(random_partition(kafka_partitions));
        const auto assignment = consumer_assignment(assigned_);
        std::string request = member_request(14, 3, generation_, member_id_);
        protocol::writer w(request);
        w.array_length(1);
        w.string(member_id_);
        w.nullable_bytes(assignment);
        const auto response = kafka_call(kafka_, request, "SyncGroup");
        if (!response) return false;
        auto r = past_throttle(*response);
        const auto error = r.int16();
        if (error != 0 || r.bytes() != assignment) {
            violation(own_->name + ": SyncGroup answered error " + std::to_string(error) +
                      " or another assignment than the leader's");
            return false;
        }
        ++log_.counts["group sync"];
        return true;
    }

    // A request of the member's (SyncGroup, Heartbeat, OffsetCommit) up to its own fields: the group, the
    // generation, the member id and no group_instance_id.
    std::string member_request(std::int16_t api_key, std::int16_t version, std::int32_t generation,
                               const std::string& member_id) {
        std::string request = emu::test::kafka_request_header(api_key, version, ++correlation_);
        protocol::writer w(request);
        w.string(own_->name);
        w.int32(generation);
        w.string(member_id);
        w.nullable_string(std::nullopt);
        return request;
    }

    bool heartbeat() {
        const auto response = kafka_call(kafka_, member_request(12, 3, generation_, member_id_), "Heartbeat");
        if (!response) return false;
        auto r = past_throttle(*response);
        if (const auto error = r.int16(); error != 0) {
            violation(own_->name + ": the Heartbeat of its only member answered error " +
                      std::to_string(error));
            return false;
        }
        ++log_.counts["group heartbeat"];
        return true;
    }

    // Random offsets for some of `partitions`: anywhere in [0, end], so below the log start too when
    // messages were deleted (a commit below the start stays as it was committed).
    std::map<int, std::int64_t> random_commit_offsets(const std::vector<int>& partitions) {
        std::map<int, std::int64_t> out;
        const auto all = read_bounds();
        if (!all) return out;
        for (const auto p : partitions) {
            if (out.empty() || std::uniform_int_distribution<int>(0, 1)(rng_) == 0)
                out[p] = random_offset(0, (*all)[static_cast<std::size_t>(p)].end);
        }
        return out;
    }

    bool member_commit() { return commit_offsets(random_commit_offsets(assigned_), generation_, member_id_); }

    // OffsetCommit v7 as the member in its generation (-1 and no member id: for the empty group); once
    // acknowledged, the offsets and their metadata are what the group holds.
    bool commit_offsets(const std::map<int, std::int64_t>& offsets, std::int32_t generation,
                        const std::string& member_id) {
        if (offsets.empty()) return false;  // the bounds read failed
        committed_map sent;
        std::string request = member_request(8, 7, generation, member_id);
        protocol::writer w(request);
        w.array_length(1);
        w.string(topic);
        w.array_length(offsets.size());
        for (const auto& [p, offset] : offsets) {
            auto& c = sent[p];
            c.offset = offset;
            c.metadata = "g" + std::to_string(id_) + "-" + std::to_string(sequence_++);
            w.int32(p);
            w.int64(offset);
            w.int32(-1);  // committed_leader_epoch
            w.nullable_string(c.metadata);
            if (offset < acked_delete[p].load()) ++log_.counts["group commit below a deletion"];
        }
        const auto response = kafka_call(kafka_, request, "OffsetCommit");
        if (!response) return false;
        auto r = past_throttle(*response);
        bool acknowledged = r.array_length(false) == 1 && r.string() == topic &&
                            r.array_length(false) == static_cast<std::int32_t>(offsets.size());
        for (std::size_t i = 0; acknowledged && i < offsets.size(); ++i) {
            r.int32();
            acknowledged = r.int16() == 0;
        }
        if (!acknowledged) {
            violation(own_->name + ": OffsetCommit of " + describe(sent) + " in generation " +
                      std::to_string(generation) + " was not acknowledged");
            return false;
        }
        for (auto& [p, c] : sent) expected_[p] = std::move(c);
        ++log_.counts[member_id.empty() ? "group commit (empty group)" : "group commit (member)"];
        return check_committed("a commit");
    }

    // A reset while this worker is the group's member: refused, and nothing changed.
    bool owner_reset_refused() {
        const auto r = reset_offsets(
            client_, dms_, own_->name, std::uniform_int_distribution<int>(0, 1)(rng_) == 0,
            std::uniform_int_distribution<int>(-1, kafka_partitions - 1)(rng_), random_offset(0, 10));
        if (!refused_as_not_empty(r)) {
            violation(own_->name + ": a reset while the group has a member answered " +
                      std::to_string(r.status) + ": " + r.body);
            return false;
        }
        ++log_.counts["group reset refused (owner)"];
        return check_committed("a refused reset");
    }

    // Another worker's reset of some group whose owner is its member now: refused.
    void reset_members_group() {
        auto& slot =
            *group_slots[static_cast<std::size_t>(random_partition(static_cast<int>(group_slots.size())))];
        std::shared_lock lock(slot.membership);
        if (!slot.has_members) return;
        const auto r = reset_offsets(
            client_, dms_, slot.name, std::uniform_int_distribution<int>(0, 1)(rng_) == 0,
            std::uniform_int_distribution<int>(-1, kafka_partitions - 1)(rng_), random_offset(0, 10));
        if (!refused_as_not_empty(r)) {
            return violation(slot.name + ": another worker's reset while the group has a member answered " +
                             std::to_string(r.status) + ": " + r.body);
        }
        ++log_.counts["group reset refused (other)"];
    }

    // LeaveGroup v3 of the member: the group is empty after it.
    bool leave_group() {
        std::string request = emu::test::kafka_request_header(13, 3, ++correlation_);
        protocol::writer w(request);
        w.string(own_->name);
        w.array_length(1);
        w.string(member_id_);
        w.nullable_string(std::nullopt);
        const auto response = kafka_call(kafka_, request, "LeaveGroup");
        if (!response) return false;
        auto r = past_throttle(*response);
        const auto error = r.int16();
        const auto members = r.array_length(false);
        std::int16_t member_error = -1;
        if (members == 1) {
            r.string();
            r.nullable_string();
            member_error = r.int16();
        }
        if (error != 0 || member_error != 0) {
            violation(own_->name + ": LeaveGroup of " + member_id_ + " answered error " +
                      std::to_string(error) + ", member error " + std::to_string(member_error));
            return false;
        }
        assigned_.clear();
        ++log_.counts["group leave"];
        return true;
    }

    // A reset of the empty group to an offset in or around the logs. The reset clamps it to the partition's
    // log as it is when it applies, which racing deletions and produces move: the offset it leaves lies
    // between the offset clamped to the log read before and to the log read after (equal to the offset
    // asked for when that is inside both), and from then on is exactly what the group holds.
    bool reset_empty_group() {
        const auto before = read_bounds();
        if (!before) return false;
        const int partition = std::uniform_int_distribution<int>(-1, kafka_partitions - 1)(rng_);
        std::int64_t highest = 0;
        for (const auto& b : *before) highest = std::max(highest, b.end);
        const auto offset = random_offset(0, highest + 2);
        const auto r = reset_offsets(client_, dms_, own_->name,
                                     std::uniform_int_distribution<int>(0, 1)(rng_) == 0, partition, offset);
        if (r.status != 204) {
            violation(own_->name + ": a reset of the empty group answered " + std::to_string(r.status) +
                      ": " + r.body);
            return false;
        }
        const auto after = read_bounds();
        const auto fetched = offset_fetch(kafka_, ++correlation_, own_->name);
        if (!after || !fetched) return false;
        for (int p = 0; p < kafka_partitions; ++p) {
            if (partition != -1 && p != partition) continue;
            const auto i = static_cast<std::size_t>(p);
            const auto low = std::clamp(offset, (*before)[i].start, (*before)[i].end);
            const auto high = std::clamp(offset, (*after)[i].start, (*after)[i].end);
            const auto it = fetched->find(p);
            if (it == fetched->end() || it->second.offset < low || it->second.offset > high ||
                !it->second.metadata.empty()) {
                violation(own_->name + ": a reset of partition " + std::to_string(p) + " to " +
                          std::to_string(offset) + " left " + describe(*fetched) + ", not an offset in [" +
                          std::to_string(low) + ", " + std::to_string(high) + "] without metadata");
                return false;
            }
            expected_[p] = it->second;
            ++log_.counts[low == high ? "group reset (exact)" : "group reset (racing the log)"];
        }
        return check_committed("a reset");
    }

    // OffsetFetch and ListInstanceConsumerGroupMessageOffset show exactly the last acknowledged write of
    // every partition (REST deletions in between change none), with the member's partitions its own.
    bool check_committed(const std::string& when) {
        const auto fetched = offset_fetch(kafka_, ++correlation_, own_->name);
        if (!fetched) return false;
        if (*fetched != expected_) {
            violation(own_->name + ": after " + when + ", OffsetFetch answered " + describe(*fetched) +
                      ", the last acknowledged writes were " + describe(expected_));
            return false;
        }
        std::map<int, std::string> owners;
        for (const auto p : assigned_) owners[p] = member_id_;
        ++log_.counts["group offsets checked"];
        return check_rest_offsets(client_, dms_, own_->name, expected_, owners, when);
    }

    int id_;
    client client_;
    emu::test::kafka_connection kafka_;
    std::int32_t correlation_ = 0;
    const dms_paths& dms_;
    clock_type::time_point start_;
    std::mt19937_64 rng_;
    std::uint64_t sequence_ = 0;
    bounds seen_[kafka_partitions];
    thread_log log_;
    // A group worker's: its group, its member while it is one, and what the group holds.
    group_slot* own_;
    std::string member_id_;
    std::int32_t generation_ = 0;
    std::vector<int> assigned_;
    committed_map expected_;
};

void expect_status(const emu::test::http_reply& r, unsigned status, const char* what) {
    if (r.status != status) {
        std::fprintf(stderr, "setup failed: %s answered %u: %s\n", what, r.status, r.body.c_str());
        std::exit(1);
    }
}

// Invariants 1-3 on the final logs, with every acknowledged produce and every mid-run observation.
void check_logs(client& c, const dms_paths& dms, const std::vector<thread_log>& logs,
                std::uint64_t& messages_checked) {
    for (int p = 0; p < kafka_partitions; ++p) {
        const std::string where = "partition " + std::to_string(p) + ": ";
        std::set<std::string> acked;
        for (const auto& log : logs) {
            for (const auto& value : log.produced[static_cast<std::size_t>(p)]) {
                if (!acked.insert(value).second) violation(where + "value produced twice: " + value);
            }
        }
        const auto r = c.call("GET", dms.partitions());
        const auto doc = parse(r, "ListTopicPartitions");
        bounds b;
        for (const auto& entry : doc["partitions"].GetArray()) {
            if (entry["partition"].GetInt() == p)
                b = {entry["start_offset"].GetInt64(), entry["last_offset"].GetInt64()};
        }
        const auto deleted_to = acked_delete[p].load();
        if (b.start > b.end) violation(where + "final start offset exceeds the end");
        if (b.start != deleted_to) {
            violation(where + "final start offset " + std::to_string(b.start) +
                      " is not the highest acknowledged deletion " + std::to_string(deleted_to));
        }
        if (b.end != static_cast<std::int64_t>(acked.size())) {
            violation(where + "end offset " + std::to_string(b.end) + " but " + std::to_string(acked.size()) +
                      " acknowledged messages (offsets lost or duplicated)");
        }
        std::map<std::int64_t, std::string> final_log;
        std::set<std::string> readable;
        for (auto offset = b.start; offset < b.end; ++offset) {
            const auto m = c.call("GET", dms.message(p, offset));
            const auto message = parse(m, "ShowPartitionMessage");
            ++messages_checked;
            if (!message.IsObject() || !message["message"].IsArray() || message["message"].Empty()) {
                violation(where + "gap at offset " + std::to_string(offset));
                continue;
            }
            const std::string value = message["message"][0]["value"].GetString();
            if (acked.count(value) == 0)
                violation(where + "offset " + std::to_string(offset) + " holds unacknowledged " + value);
            if (!readable.insert(value).second)
                violation(where + "duplicate of " + value + " at offset " + std::to_string(offset));
            final_log[offset] = value;
        }
        // Offsets [0, end) hold the acknowledged messages once each, so those not readable are exactly the
        // `start` messages below the start offset, which is the highest acknowledged deletion.
        const auto unreadable = static_cast<std::int64_t>(acked.size() - readable.size());
        if (unreadable != b.start) {
            violation(where + std::to_string(unreadable) + " acknowledged messages unreadable, but only " +
                      std::to_string(b.start) + " offsets were deleted");
        }
        for (const auto& log : logs) {
            for (const auto& seen : log.observed) {
                if (seen.partition != p) continue;
                if (seen.offset >= b.start) {
                    const auto it = final_log.find(seen.offset);
                    if (it == final_log.end() || it->second != seen.value) {
                        violation(where + "offset " + std::to_string(seen.offset) + " held " + seen.value +
                                  " during the run and " + (it == final_log.end() ? "nothing" : it->second) +
                                  " after");
                    }
                } else if (seen.offset >= deleted_to) {
                    violation(where + "offset " + std::to_string(seen.offset) +
                              " vanished without a deletion");
                }
            }
        }
    }
}

// Invariant 4. A read returns what some acknowledged operation left: one sent before the read was answered
// (nothing comes from the future) and not superseded before the read was sent, i.e. no other operation was
// both sent after it was acknowledged and acknowledged before the read was sent. `ops` starts with the
// state before the run, an empty checkpoint.
bool explained(const std::vector<const checkpoint_op*>& ops, const checkpoint_read& read) {
    std::int64_t latest_sent_and_acked = -2;  // the latest send among operations acknowledged before the read
    for (const auto* op : ops) {
        if (op->acked_ns < read.invoked_ns)
            latest_sent_and_acked = std::max(latest_sent_and_acked, op->invoked_ns);
    }
    for (const auto* op : ops) {
        if (op->invoked_ns >= read.acked_ns || op->acked_ns < latest_sent_and_acked) continue;
        if (op->is_delete ? read.sequence == "-1" && read.metadata.empty()
                          : read.sequence == std::to_string(op->sequence) && read.metadata == op->metadata) {
            return true;
        }
    }
    return false;
}

void check_checkpoints(client& c, const std::vector<thread_log>& logs, clock_type::time_point start,
                       std::uint64_t& reads_checked) {
    static const checkpoint_op before_run{0, true, -1, {}, -1, -1};
    for (int p = 0; p < dis_partitions; ++p) {
        std::vector<const checkpoint_op*> ops{&before_run};
        std::vector<checkpoint_read> reads;
        for (const auto& log : logs) {
            for (const auto& op : log.checkpoints) {
                if (op.partition == p) ops.push_back(&op);
            }
            for (const auto& read : log.checkpoint_reads) {
                if (read.partition == p) reads.push_back(read);
            }
        }
        checkpoint_read final_read;
        final_read.partition = p;
        final_read.invoked_ns = since_start_ns(start);
        const auto r = c.call("GET", "/v2/" + project + "/checkpoints?app_name=" + app +
                                         "&checkpoint_type=LAST_READ&stream_name=" + stream +
                                         "&partition_id=" + std::to_string(p));
        final_read.acked_ns = since_start_ns(start);
        const auto doc = parse(r, "ShowCheckpoint");
        final_read.sequence = doc["sequence_number"].GetString();
        final_read.metadata = doc["metadata"].GetString();
        reads.push_back(final_read);
        for (const auto& read : reads) {
            ++reads_checked;
            if (!explained(ops, read)) {
                violation("checkpoint of partition " + std::to_string(p) + " read as " + read.sequence + "/" +
                          read.metadata + " at " + std::to_string(read.invoked_ns) +
                          " ns, which no acknowledged operation not yet superseded left");
            }
        }
    }
}

// Invariant 5 on the final state: every group is empty and holds exactly its owner's last acknowledged
// writes, on OffsetFetch, ListInstanceConsumerGroupMessageOffset and ShowGroups alike.
void check_groups(client& c, std::uint16_t kafka_port, const dms_paths& dms,
                  const std::vector<thread_log>& logs, std::uint64_t& groups_checked) {
    emu::test::kafka_connection kafka(kafka_port);
    std::int32_t correlation = 0;
    for (const auto& log : logs) {
        if (log.group.empty()) continue;
        ++groups_checked;
        const auto fetched = offset_fetch(kafka, ++correlation, log.group);
        if (fetched && *fetched != log.committed) {
            violation(log.group + ": at the end OffsetFetch answered " + describe(*fetched) +
                      ", the last acknowledged writes were " + describe(log.committed));
        }
        check_rest_offsets(c, dms, log.group, log.committed, {}, "the run");
        const auto r = c.call("GET", dms.show_group(log.group));
        const auto doc = parse(r, "ShowGroups");
        if (r.status != 200 || !doc.IsObject() || !doc.HasMember("group")) {
            violation(log.group + ": ShowGroups answered " + std::to_string(r.status) + ": " + r.body);
            continue;
        }
        const auto& group = doc["group"];
        std::map<int, std::int64_t> shown;
        for (const auto& row : group["group_message_offsets"].GetArray())
            shown[row["partition"].GetInt()] = row["message_current_offset"].GetInt64();
        if (std::string(group["state"].GetString()) != "Empty" || !group["members"].Empty() ||
            shown != offsets_of(log.committed)) {
            violation(log.group + ": at the end ShowGroups answered " + r.body +
                      ", the last acknowledged writes were " + describe(log.committed));
        }
    }
}

}  // namespace

int main() {
    const int seconds = env_int("EMU_STRESS_SECONDS", 3);
    const int threads = env_int("EMU_STRESS_THREADS", 16);
    const int group_threads = env_int("EMU_STRESS_GROUP_THREADS", 4, 0);
    // One access line per request would drown the figures; refusals and failures still show.
    spdlog::set_level(spdlog::level::warn);
    emu::test::test_server server([](emu::server::config& c) { c.threads = 4; });
    const auto& api = server;

    // Setup: one instance and topic, one stream with records to commit checkpoints against, one app.
    const auto instance =
        api.request("POST", "/v2/" + project + "/kafka/instances",
                    R"({"name":"stress","engine":"kafka","engine_version":"3.x","broker_num":3,)"
                    R"("storage_space":300,"product_id":"c6.2u4g.cluster",)"
                    R"("storage_spec_code":"dms.physical.storage.ultra.v2","vpc_id":"v",)"
                    R"("subnet_id":"s","security_group_id":"g","available_zones":["az1"]})");
    expect_status(instance, 200, "CreateInstance");
    rapidjson::Document created;
    created.Parse(instance.body.c_str());
    dms_paths dms{created["instance_id"].GetString()};
    expect_status(
        api.request("POST", "/v2/" + project + "/instances/" + dms.instance + "/topics",
                    R"({"id":")" + topic + R"(","partition":)" + std::to_string(kafka_partitions) + "}"),
        200, "CreateInstanceTopic");
    expect_status(api.request("POST", "/v2/" + project + "/streams",
                              R"({"stream_name":")" + stream + R"(","partition_count":)" +
                                  std::to_string(dis_partitions) + "}"),
                  201, "CreateStream");
    std::string records;
    for (int p = 0; p < dis_partitions; ++p) {
        for (int i = 0; i < dis_records_per_partition; ++i) {
            records += std::string(records.empty() ? "" : ",") + R"({"data":"YQ==","partition_id":")" +
                       std::to_string(p) + R"("})";
        }
    }
    expect_status(api.request("POST", "/v2/" + project + "/records",
                              R"({"stream_name":")" + stream + R"(","records":[)" + records + "]}"),
                  200, "SendRecords");
    expect_status(api.request("POST", "/v2/" + project + "/apps", R"({"app_name":")" + app + R"("})"), 201,
                  "CreateApp");

    rapidjson::Document shown;
    shown.Parse(api.request("GET", "/v2/" + project + "/instances/" + dms.instance).body.c_str());
    const auto kafka_port = static_cast<std::uint16_t>(shown["port"].GetInt());

    const auto start = clock_type::now();
    const auto deadline = start + std::chrono::seconds(seconds);
    for (int g = 0; g < group_threads; ++g) {
        group_slots.push_back(std::make_unique<group_slot>());
        group_slots.back()->name = "stress-group-" + std::to_string(g);
    }
    std::vector<thread_log> logs(static_cast<std::size_t>(threads + group_threads));
    {
        std::vector<std::thread> pool;
        for (int i = 0; i < threads + group_threads; ++i) {
            group_slot* own =
                i < threads ? nullptr : group_slots[static_cast<std::size_t>(i - threads)].get();
            pool.emplace_back([&, i, own] {
                try {
                    worker w(i, server.port(), kafka_port, dms, start, own);
                    logs[static_cast<std::size_t>(i)] = w.run(deadline);
                } catch (const std::exception& e) {
                    violation("client thread " + std::to_string(i) + ": " + e.what());
                }
            });
        }
        for (auto& t : pool) t.join();
    }
    const auto run_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start).count();

    client checker(server.port());
    std::uint64_t messages_checked = 0;
    std::uint64_t checkpoint_reads_checked = 0;
    check_logs(checker, dms, logs, messages_checked);
    check_checkpoints(checker, logs, start, checkpoint_reads_checked);
    std::uint64_t groups_checked = 0;
    check_groups(checker, kafka_port, dms, logs, groups_checked);

    std::map<std::string, std::uint64_t> totals;
    std::uint64_t all = 0;
    std::uint64_t observed = 0;
    for (const auto& log : logs) {
        for (const auto& [name, count] : log.counts) {
            totals[name] += count;
            all += count;
        }
        observed += log.observed.size();
    }
    std::printf(
        "stress: %d client threads and %d group consumers, %lld ms, %llu acknowledged operations (%.0f/s)\n",
        threads, group_threads, static_cast<long long>(run_ms), static_cast<unsigned long long>(all),
        run_ms > 0 ? static_cast<double>(all) * 1000.0 / static_cast<double>(run_ms) : 0.0);
    for (const auto& [name, count] : totals)
        std::printf("  %-28s %llu\n", name.c_str(), static_cast<unsigned long long>(count));
    for (int p = 0; p < kafka_partitions; ++p) {
        std::printf("  dms partition %d: deleted to %lld\n", p,
                    static_cast<long long>(acked_delete[p].load()));
    }
    std::printf(
        "invariants: %llu readable messages re-read, %llu mid-run reads matched, %d partitions checked "
        "for start/end/gaps/duplicates, %llu checkpoint reads (%d final) explained, %llu groups' final "
        "offsets matched; %zu violations\n",
        static_cast<unsigned long long>(messages_checked), static_cast<unsigned long long>(observed),
        kafka_partitions, static_cast<unsigned long long>(checkpoint_reads_checked), dis_partitions,
        static_cast<unsigned long long>(groups_checked), violations.size());
    return violations.empty() ? 0 : 1;
}
