// Kafka load generator for bench/run-all: one librdkafka client (Debian's librdkafka) driving any broker,
// so the emulator's listeners and librdkafka's mock cluster get the same client and the same load.
//
//   kafka_load produce  BOOTSTRAP TOPIC PARTITION COUNT SIZE
//       COUNT messages of SIZE bytes as fast as the producer goes, every one acknowledged (acks=all).
//   kafka_load fetch    BOOTSTRAP TOPIC PARTITION COUNT
//       an assigned consumer (no group membership) reads from the log start to the high watermark,
//       pass after pass, until it has read COUNT messages (several passes where the broker keeps less
//       than COUNT: librdkafka's mock cluster keeps the last 5 MiB of a partition).
//   kafka_load latency  BOOTSTRAP TOPIC PARTITION RATE SECONDS SIZE FETCH_WAIT_MS
//       a producer (linger.ms=0) sends RATE messages a second, the send time in the first 8 bytes of each;
//       an assigned consumer in the same process, started at the log end, takes each one's produce-to-fetch
//       latency. The first second is warm-up and not recorded; messages not fetched within 3 s of the
//       last send count as infinitely late ("inf").
//   kafka_load delete   BOOTSTRAP TOPIC PARTITION RATE SECONDS SIZE INTERVAL_MS
//       a producer sends RATE messages a second while an admin client calls DeleteRecords up to the high
//       watermark every INTERVAL_MS; each call is timed from the request to its result.
//
// KAFKA_LOAD_CONFIG="name=value,..." adds librdkafka settings to every client of a run.
// Prints one line of key=value pairs on stdout (times in ms, start/end in ns of CLOCK_REALTIME, so that the
// figures of several processes can be combined); errors go to stderr with a non-zero exit.
#include <librdkafka/rdkafka.h>
#include <sys/prctl.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

using settings = std::vector<std::pair<std::string, std::string>>;

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "kafka_load: %s\n", what.c_str());
    std::exit(1);
}

std::int64_t mono_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

std::int64_t real_ns() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

struct handle_deleter {
    void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using handle = std::unique_ptr<rd_kafka_t, handle_deleter>;

struct produce_stats {
    std::atomic<std::int64_t> delivered{0};
    std::atomic<std::int64_t> failed{0};
    std::atomic<int> first_error{0};
};

void on_delivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* m, void* opaque) {
    auto* stats = static_cast<produce_stats*>(opaque);
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        int none = 0;
        stats->first_error.compare_exchange_strong(none, m->err);
        stats->failed.fetch_add(1, std::memory_order_relaxed);
    } else {
        stats->delivered.fetch_add(1, std::memory_order_relaxed);
    }
}

handle make(rd_kafka_type_t type, const std::string& bootstrap, const settings& extra, produce_stats* stats) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    settings all{{"bootstrap.servers", bootstrap}, {"log_level", "3"}};
    all.insert(all.end(), extra.begin(), extra.end());
    // KAFKA_LOAD_CONFIG="name=value,..." adds settings to every client, for experiments.
    if (const char* env = std::getenv("KAFKA_LOAD_CONFIG"); env != nullptr) {
        std::string rest = env;
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            const std::string item = rest.substr(0, comma);
            rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
            const auto eq = item.find('=');
            if (eq == std::string::npos) fail("KAFKA_LOAD_CONFIG: " + item + " is not name=value");
            all.emplace_back(item.substr(0, eq), item.substr(eq + 1));
        }
    }
    for (const auto& [k, v] : all)
        if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) fail(err);
    if (stats != nullptr) {
        rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
        rd_kafka_conf_set_opaque(conf, stats);
    }
    rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
    if (rk == nullptr) fail(std::string("rd_kafka_new: ") + err);
    return handle(rk);
}

// Waits until the client knows the partition's leader, so that connection set-up is not timed.
void wait_ready(rd_kafka_t* rk, const std::string& topic) {
    rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    const rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, t, &md, 10000);
    rd_kafka_topic_destroy(t);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) fail(std::string("metadata: ") + rd_kafka_err2str(e));
    const bool ok = md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR;
    rd_kafka_metadata_destroy(md);
    if (!ok) fail("topic " + topic + " not known to the broker");
}

// Produces one message, waiting while the local queue is full. The payload is not copied: it must stay
// valid until delivered.
void send(rd_kafka_t* rk, const std::string& topic, std::int32_t partition, const char* data,
          std::size_t size, bool copy) {
    for (;;) {
        const rd_kafka_resp_err_t e =
            rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                              RD_KAFKA_V_VALUE(const_cast<char*>(data), size),
                              RD_KAFKA_V_MSGFLAGS(copy ? RD_KAFKA_MSG_F_COPY : 0), RD_KAFKA_V_END);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR) return;
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) fail(std::string("produce: ") + rd_kafka_err2str(e));
        rd_kafka_poll(rk, 1);
    }
}

void finish(rd_kafka_t* rk, const produce_stats& stats, std::int64_t expected) {
    while (stats.delivered.load() + stats.failed.load() < expected) rd_kafka_poll(rk, 10);
    if (stats.failed.load() > 0)
        fail(std::to_string(stats.failed.load()) + " messages not delivered, first: " +
             rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(stats.first_error.load())));
}

double pct(std::vector<double>& v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, i == 0 ? 0 : i - 1)];
}

void print_rate(const char* mode, std::int64_t msgs, std::int64_t bytes, std::int64_t t0_mono,
                std::int64_t t1_mono, std::int64_t start_real) {
    const double s = static_cast<double>(t1_mono - t0_mono) / 1e9;
    std::printf("mode=%s msgs=%" PRId64 " bytes=%" PRId64
                " seconds=%.3f msgs_per_s=%.0f mb_per_s=%.1f"
                " start_ns=%" PRId64 " end_ns=%" PRId64 "\n",
                mode, msgs, bytes, s, static_cast<double>(msgs) / s, static_cast<double>(bytes) / 1e6 / s,
                start_real, start_real + (t1_mono - t0_mono));
}

int produce_mode(const std::string& bootstrap, const std::string& topic, std::int32_t partition,
                 std::int64_t count, std::size_t size) {
    produce_stats stats;
    auto rk = make(RD_KAFKA_PRODUCER, bootstrap, {{"acks", "all"}, {"linger.ms", "5"}}, &stats);
    wait_ready(rk.get(), topic);
    const std::string payload(size, 'x');
    const std::int64_t start_real = real_ns();
    const std::int64_t t0 = mono_ns();
    for (std::int64_t i = 0; i < count; ++i) {
        send(rk.get(), topic, partition, payload.data(), payload.size(), false);
        if ((i & 1023) == 0) rd_kafka_poll(rk.get(), 0);
    }
    rd_kafka_flush(rk.get(), 60000);
    finish(rk.get(), stats, count);
    const std::int64_t t1 = mono_ns();
    print_rate("produce", count, count * static_cast<std::int64_t>(size), t0, t1, start_real);
    return 0;
}

handle make_consumer(const std::string& bootstrap, const settings& extra) {
    // librdkafka wants a group.id for any consumer; with assign() and no commits it never joins the group.
    settings all{{"group.id", "kafka-load-assigned"},
                 {"enable.auto.commit", "false"},
                 {"enable.auto.offset.store", "false"},
                 {"enable.partition.eof", "false"}};
    all.insert(all.end(), extra.begin(), extra.end());
    return make(RD_KAFKA_CONSUMER, bootstrap, all, nullptr);
}

void assign(rd_kafka_t* rk, const std::string& topic, std::int32_t partition, std::int64_t offset) {
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), partition)->offset = offset;
    const rd_kafka_resp_err_t e = rd_kafka_assign(rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) fail(std::string("assign: ") + rd_kafka_err2str(e));
}

int fetch_mode(const std::string& bootstrap, const std::string& topic, std::int32_t partition,
               std::int64_t count) {
    // fetch.wait.max.ms 0: at the end of a pass the next fetch comes back at once. The mock cluster never
    // answers a waiting fetch early, so its last fetch of a pass would otherwise hold up the next pass for
    // the whole wait (librdkafka's default 500 ms) on the same connection.
    auto rk = make_consumer(bootstrap, {{"fetch.wait.max.ms", "0"}});
    wait_ready(rk.get(), topic);
    std::int64_t msgs = 0;
    std::int64_t bytes = 0;
    int passes = 0;
    std::int64_t retained = 0;
    const std::int64_t start_real = real_ns();
    const std::int64_t t0 = mono_ns();
    while (msgs < count) {
        std::int64_t low = 0;
        std::int64_t high = 0;
        const rd_kafka_resp_err_t e =
            rd_kafka_query_watermark_offsets(rk.get(), topic.c_str(), partition, &low, &high, 10000);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR) fail(std::string("watermarks: ") + rd_kafka_err2str(e));
        if (high <= low) fail("the partition is empty");
        retained = high - low;
        assign(rk.get(), topic, partition, low);
        ++passes;
        const std::int64_t deadline = mono_ns() + 60LL * 1000000000;
        while (msgs < count) {
            rd_kafka_message_t* m = rd_kafka_consumer_poll(rk.get(), 100);
            if (m == nullptr) {
                if (mono_ns() > deadline) fail("fetch: no progress for 60 s");
                continue;
            }
            if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                const std::string what = rd_kafka_message_errstr(m);
                rd_kafka_message_destroy(m);
                fail("fetch: " + what);
            }
            ++msgs;
            bytes += static_cast<std::int64_t>(m->len);
            const bool last = m->offset >= high - 1;
            rd_kafka_message_destroy(m);
            if (last) break;
        }
        rd_kafka_assign(rk.get(), nullptr);
    }
    const std::int64_t t1 = mono_ns();
    print_rate("fetch", msgs, bytes, t0, t1, start_real);
    std::printf("passes=%d retained_msgs=%" PRId64 "\n", passes, retained);
    return 0;
}

// Sends RATE messages a second for SECONDS, each stamped with its send time, until stop.
void paced_producer(rd_kafka_t* rk, const std::string& topic, std::int32_t partition, double rate,
                    double seconds, std::size_t size, std::int64_t* sent) {
    std::string payload(std::max<std::size_t>(size, sizeof(std::int64_t)), 'x');
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);  // this thread's sleeps end within ~1 us of their time
    const std::int64_t t0 = mono_ns();
    const auto total = static_cast<std::int64_t>(rate * seconds);
    for (std::int64_t i = 0; i < total; ++i) {
        const std::int64_t due = t0 + static_cast<std::int64_t>(static_cast<double>(i) * 1e9 / rate);
        std::int64_t now = mono_ns();
        // Sleep, never spin, until the message is due: the client's core also runs librdkafka's broker
        // threads and the consumer, and a spinning sender takes it from them (a spin below 200 us here
        // put 10-60 ms into the p99 of the consumer's latency). The timer slack is 1 us, so a sleep ends
        // within a few microseconds of its time.
        while (now < due) {
            rd_kafka_poll(rk, 0);
            const timespec ts{0, due - now};
            nanosleep(&ts, nullptr);
            now = mono_ns();
        }
        std::memcpy(payload.data(), &now, sizeof now);
        send(rk, topic, partition, payload.data(), payload.size(), true);
        rd_kafka_poll(rk, 0);
    }
    *sent = total;
}

int latency_mode(const std::string& bootstrap, const std::string& topic, std::int32_t partition, double rate,
                 double seconds, std::size_t size, int fetch_wait_ms) {
    produce_stats stats;
    auto producer = make(RD_KAFKA_PRODUCER, bootstrap, {{"acks", "all"}, {"linger.ms", "0"}}, &stats);
    auto consumer = make_consumer(bootstrap, {{"fetch.wait.max.ms", std::to_string(fetch_wait_ms)}});
    wait_ready(producer.get(), topic);
    wait_ready(consumer.get(), topic);
    std::int64_t low = 0;
    std::int64_t high = 0;
    const rd_kafka_resp_err_t e =
        rd_kafka_query_watermark_offsets(consumer.get(), topic.c_str(), partition, &low, &high, 10000);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) fail(std::string("watermarks: ") + rd_kafka_err2str(e));
    assign(consumer.get(), topic, partition, high);

    const auto total = static_cast<std::int64_t>(rate * seconds);
    const auto warmup = static_cast<std::int64_t>(rate);  // the first second
    std::vector<double> latencies;
    latencies.reserve(static_cast<std::size_t>(total));
    std::int64_t received = 0;
    std::thread reader([&] {
        const std::int64_t deadline = mono_ns() + static_cast<std::int64_t>((seconds + 3) * 1e9);
        while (received < total && mono_ns() < deadline) {
            rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.get(), 100);
            if (m == nullptr) continue;
            const std::int64_t now = mono_ns();
            if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->len >= sizeof(std::int64_t)) {
                std::int64_t sent_at = 0;
                std::memcpy(&sent_at, m->payload, sizeof sent_at);
                if (received >= warmup) latencies.push_back(static_cast<double>(now - sent_at) / 1e6);
                ++received;
            }
            rd_kafka_message_destroy(m);
        }
    });
    std::int64_t sent = 0;
    paced_producer(producer.get(), topic, partition, rate, seconds, size, &sent);
    rd_kafka_flush(producer.get(), 30000);
    finish(producer.get(), stats, sent);
    reader.join();
    // A message not fetched within 3 s of the last send counts as slower than any fetched one.
    const std::size_t n = latencies.size();
    if (received < total)
        latencies.resize(static_cast<std::size_t>(total - warmup), std::numeric_limits<double>::infinity());
    std::printf("mode=latency sent=%" PRId64 " fetched=%" PRId64
                " measured=%zu p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f"
                " max_ms=%.3f\n",
                sent, received, n, pct(latencies, 0.50), pct(latencies, 0.99), pct(latencies, 0.999),
                pct(latencies, 1.0));
    return 0;
}

int delete_mode(const std::string& bootstrap, const std::string& topic, std::int32_t partition, double rate,
                double seconds, std::size_t size, int interval_ms) {
    produce_stats stats;
    auto producer = make(RD_KAFKA_PRODUCER, bootstrap, {{"acks", "all"}, {"linger.ms", "5"}}, &stats);
    auto admin = make(RD_KAFKA_PRODUCER, bootstrap, {}, nullptr);
    wait_ready(producer.get(), topic);
    wait_ready(admin.get(), topic);
    rd_kafka_queue_t* queue = rd_kafka_queue_new(admin.get());
    rd_kafka_AdminOptions_t* options =
        rd_kafka_AdminOptions_new(admin.get(), RD_KAFKA_ADMIN_OP_DELETERECORDS);

    std::int64_t sent = 0;
    std::thread writer([&] { paced_producer(producer.get(), topic, partition, rate, seconds, size, &sent); });
    std::vector<double> latencies;
    std::string first_error;
    int errors = 0;
    // Starts after the producer's first half second, ends before its last.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const std::int64_t stop_at = mono_ns() + static_cast<std::int64_t>((seconds - 1.0) * 1e9);
    while (mono_ns() < stop_at) {
        rd_kafka_topic_partition_list_t* offsets = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(offsets, topic.c_str(), partition)->offset = RD_KAFKA_OFFSET_END;
        rd_kafka_DeleteRecords_t* request = rd_kafka_DeleteRecords_new(offsets);
        rd_kafka_topic_partition_list_destroy(offsets);
        const std::int64_t t0 = mono_ns();
        rd_kafka_DeleteRecords(admin.get(), &request, 1, options, queue);
        rd_kafka_DeleteRecords_destroy(request);
        rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, 10000);
        const std::int64_t t1 = mono_ns();
        std::string error;
        if (ev == nullptr) {
            error = "no result within 10 s";
        } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
            error = rd_kafka_event_error_string(ev);
        } else {
            const auto* result =
                rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(ev));
            if (result == nullptr || result->cnt != 1)
                error = "no partition in the result";
            else if (result->elems[0].err != RD_KAFKA_RESP_ERR_NO_ERROR)
                error = rd_kafka_err2str(result->elems[0].err);
        }
        if (ev != nullptr) rd_kafka_event_destroy(ev);
        if (error.empty()) {
            latencies.push_back(static_cast<double>(t1 - t0) / 1e6);
        } else {
            if (errors++ == 0) first_error = error;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
    }
    writer.join();
    rd_kafka_flush(producer.get(), 30000);
    finish(producer.get(), stats, sent);
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_queue_destroy(queue);
    for (char& c : first_error)
        if (c == ' ') c = '_';
    std::printf("mode=delete produced=%" PRId64
                " calls=%zu errors=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f%s%s\n",
                sent, latencies.size(), errors, pct(latencies, 0.50), pct(latencies, 0.99),
                pct(latencies, 1.0), first_error.empty() ? "" : " first_error=", first_error.c_str());
    return 0;
}

[[noreturn]] void usage() {
    std::fprintf(stderr,
                 "usage: kafka_load produce BOOTSTRAP TOPIC PARTITION COUNT SIZE\n"
                 "       kafka_load fetch BOOTSTRAP TOPIC PARTITION COUNT\n"
                 "       kafka_load latency BOOTSTRAP TOPIC PARTITION RATE SECONDS SIZE FETCH_WAIT_MS\n"
                 "       kafka_load delete BOOTSTRAP TOPIC PARTITION RATE SECONDS SIZE INTERVAL_MS\n");
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) usage();
    const std::string mode = argv[1];
    const std::string bootstrap = argv[2];
    const std::string topic = argv[3];
    const auto partition = static_cast<std::int32_t>(std::atoi(argv[4]));
    if (mode == "produce" && argc == 7)
        return produce_mode(bootstrap, topic, partition, std::atoll(argv[5]),
                            static_cast<std::size_t>(std::atoll(argv[6])));
    if (mode == "fetch" && argc == 6) return fetch_mode(bootstrap, topic, partition, std::atoll(argv[5]));
    if (mode == "latency" && argc == 9)
        return latency_mode(bootstrap, topic, partition, std::atof(argv[5]), std::atof(argv[6]),
                            static_cast<std::size_t>(std::atoll(argv[7])), std::atoi(argv[8]));
    if (mode == "delete" && argc == 9)
        return delete_mode(bootstrap, topic, partition, std::atof(argv[5]), std::atof(argv[6]),
                           static_cast<std::size_t>(std::atoll(argv[7])), std::atoi(argv[8]));
    usage();
}
