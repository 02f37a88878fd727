// Concurrency stress over real sockets: client threads produce, read and delete DMS messages (through REST
// and, on the same partitions, through the instance's Kafka listener: Produce batches in several codecs,
// Fetch, DeleteRecords) and commit, read and delete DIS checkpoints on shared partitions of one server for
// a bounded time, recording every acknowledged operation. Afterwards (and during the run, where an
// observation allows it) the invariants:
//   1. per partition, the log start offset never decreases, never passes the end offset, and never lags an
//      acknowledged deletion;
//   2. every acknowledged message is readable, or below an acknowledged deletion;
//   3. offsets have no gaps and no duplicates (every offset in [start, end) holds exactly one acknowledged
//      message, and each acknowledged message sits at one offset only);
//   4. every acknowledged checkpoint commit is visible unless a later commit or delete was acknowledged.
// EMU_STRESS_SECONDS (default 3) and EMU_STRESS_THREADS (default 16) bound the run.
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
#include <mutex>
#include <optional>
#include <random>
#include <set>
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

int env_int(const char* name, int fallback) {
    const char* text = std::getenv(name);
    if (text == nullptr || *text == '\0') return fallback;
    const int value = std::atoi(text);
    return value > 0 ? value : fallback;
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

struct thread_log {
    std::vector<std::vector<std::string>> produced = std::vector<std::vector<std::string>>(kafka_partitions);
    std::vector<observed_message> observed;
    std::vector<checkpoint_op> checkpoints;
    std::vector<checkpoint_read> checkpoint_reads;
    std::map<std::string, std::uint64_t> counts;
};

// The highest offset an acknowledged deletion has cut each partition to.
std::atomic<std::int64_t> acked_delete[kafka_partitions];

void raise_to(std::atomic<std::int64_t>& target, std::int64_t value) {
    auto current = target.load();
    while (current < value && !target.compare_exchange_weak(current, value)) {
    }
}

class worker {
  public:
    worker(int id, std::uint16_t port, std::uint16_t kafka_port, const dms_paths& dms,
           clock_type::time_point start)
        : id_(id),
          client_(port),
          kafka_(kafka_port),
          dms_(dms),
          start_(start),
          rng_(static_cast<std::uint64_t>(id) * 7919 + 1) {}

    thread_log run(clock_type::time_point deadline) {
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
            else
                read_checkpoint();
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

    void query() {
        const auto all = read_bounds();
        if (!all) return;
        const int partition = random_partition(kafka_partitions);
        const auto b = (*all)[static_cast<std::size_t>(partition)];
        if (b.start == b.end) return;
        const auto offset = std::uniform_int_distribution<std::int64_t>(b.start, b.end - 1)(rng_);
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
        const auto all = read_bounds();
        if (!all) return;
        const int partition = random_partition(kafka_partitions);
        const auto b = (*all)[static_cast<std::size_t>(partition)];
        // Keep most of the log: cut at most a few messages past the start.
        const auto offset =
            std::uniform_int_distribution<std::int64_t>(b.start, std::min(b.end, b.start + 5))(rng_);
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

    // The next response on the Kafka connection, or a violation: an unanswered request may or may not
    // have been applied, so the run fails.
    std::optional<std::string> kafka_call(const std::string& request, const char* what) {
        if (!kafka_.send_request(request)) {
            violation(std::string(what) + ": the Kafka connection closed");
            return std::nullopt;
        }
        auto response = kafka_.read_response();
        if (!response) violation(std::string(what) + ": no Kafka response");
        return response;
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
        const auto response = kafka_call(request, "Produce");
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
        const auto all = read_bounds();
        if (!all) return;
        const int partition = random_partition(kafka_partitions);
        const auto b = (*all)[static_cast<std::size_t>(partition)];
        if (b.start == b.end) return;
        const auto offset = std::uniform_int_distribution<std::int64_t>(b.start, b.end - 1)(rng_);
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
        const auto response = kafka_call(request, "Fetch");
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
        const auto all = read_bounds();
        if (!all) return;
        const int partition = random_partition(kafka_partitions);
        const auto b = (*all)[static_cast<std::size_t>(partition)];
        const auto offset =
            std::uniform_int_distribution<std::int64_t>(b.start, std::min(b.end, b.start + 5))(rng_);
        std::string request = emu::test::kafka_request_header(21, 1, ++correlation_);
        protocol::writer w(request);
        write_one_partition(w, partition);
        w.int64(offset);
        w.int32(10000);
        const auto response = kafka_call(request, "DeleteRecords");
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
        op.acked_ns = since_start_ns(start_);
        if (r.status != 201)
            return violation("CommitCheckpoint answered " + std::to_string(r.status) + ": " + r.body);
        log_.checkpoints.push_back(std::move(op));
        ++log_.counts["dis checkpoint commit"];
    }

    void delete_checkpoint() {
        checkpoint_op op;
        op.partition = random_partition(dis_partitions);
        op.is_delete = true;
        op.invoked_ns = since_start_ns(start_);
        const auto r =
            client_.call("DELETE", "/v2/" + project + "/checkpoints?" + checkpoint_query(op.partition));
        op.acked_ns = since_start_ns(start_);
        if (r.status != 204)
            return violation("DeleteCheckpoint answered " + std::to_string(r.status) + ": " + r.body);
        log_.checkpoints.push_back(std::move(op));
        ++log_.counts["dis checkpoint delete"];
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

}  // namespace

int main() {
    const int seconds = env_int("EMU_STRESS_SECONDS", 3);
    const int threads = env_int("EMU_STRESS_THREADS", 16);
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
    std::vector<thread_log> logs(static_cast<std::size_t>(threads));
    {
        std::vector<std::thread> pool;
        for (int i = 0; i < threads; ++i) {
            pool.emplace_back([&, i] {
                try {
                    worker w(i, server.port(), kafka_port, dms, start);
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
    std::printf("stress: %d client threads, %lld ms, %llu acknowledged operations (%.0f/s)\n", threads,
                static_cast<long long>(run_ms), static_cast<unsigned long long>(all),
                run_ms > 0 ? static_cast<double>(all) * 1000.0 / static_cast<double>(run_ms) : 0.0);
    for (const auto& [name, count] : totals)
        std::printf("  %-28s %llu\n", name.c_str(), static_cast<unsigned long long>(count));
    for (int p = 0; p < kafka_partitions; ++p) {
        std::printf("  dms partition %d: deleted to %lld\n", p,
                    static_cast<long long>(acked_delete[p].load()));
    }
    std::printf(
        "invariants: %llu readable messages re-read, %llu mid-run reads matched, %d partitions checked "
        "for start/end/gaps/duplicates, %llu checkpoint reads (%d final) explained; %zu violations\n",
        static_cast<unsigned long long>(messages_checked), static_cast<unsigned long long>(observed),
        kafka_partitions, static_cast<unsigned long long>(checkpoint_reads_checked), dis_partitions,
        violations.size());
    return violations.empty() ? 0 : 1;
}
