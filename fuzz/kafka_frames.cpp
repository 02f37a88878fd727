// Kafka request frames (the bytes after a frame's size) through kafka::dispatch, as a listener's session
// hands them over, against an in-memory kafka_store built afresh for every input: one instance with a
// topic "orders" of 3 partitions, partition 0 holding 3 records. The request's correlation id picks the
// instance's auto topic creation (odd: on), so both paths are reached from real frames.
// Whatever the input:
//   - no exception escapes dispatch;
//   - a response frame's size prefix is its length, and its correlation id is the request's;
//   - an unknown API key, or a version outside the table, closes without an answer (ApiVersions above its
//     range excepted: it answers UNSUPPORTED_VERSION);
//   - a request that waits (a Fetch long-poll) answers when called again as the final attempt;
//   - only JoinGroup and SyncGroup answer later (for their group), and what they answer is framed alike;
//   - nothing is stored unless a Produce partition answered error 0 with the log end as its base offset
//     (an acks=0 Produce, which has no answer, is replayed with acks=1 on a fresh store to see its answers);
//   - topics appear only through auto topic creation (Metadata, Produce) when the instance has it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "kafka/dispatch.hpp"
#include "kafka/handlers.hpp"
#include "kafka/protocol/api_keys.hpp"
#include "kafka/protocol/codec.hpp"
#include "kafka/protocol/error_codes.hpp"
#include "kafka/protocol/record_batch.hpp"
#include "state/kafka/instances.hpp"

namespace {

namespace kafka = emu::kafka;
namespace kp = emu::kafka::protocol;
namespace state = emu::state;

constexpr std::int64_t fixed_now = 1'700'000'000'000;
const std::string project_id = "0123456789abcdef0123456789abcdef";
const std::string instance_id = "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
// Small, so that decompression bombs are cheap to refuse.
constexpr std::size_t max_decompressed = 64 * 1024;

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "kafka_frames: %s\n", what);
    std::abort();
}

std::unique_ptr<state::kafka_store> make_store(bool auto_topic) {
    auto store = std::make_unique<state::kafka_store>([] { return fixed_now; });
    state::instance_spec spec;
    spec.instance_id = instance_id;
    spec.name = "fuzz";
    spec.engine_version = "3.x";
    spec.enable_auto_topic = auto_topic;
    store->create_instance(project_id, spec);
    const auto cluster = store->cluster(project_id, instance_id);
    state::topic_spec topic;
    topic.name = "orders";
    topic.partition_count = 3;
    cluster->create_topic(topic);
    // Three records in one gzip batch, as a producer sends them: fetches then serve a compressed batch.
    std::vector<kafka::protocol::record> records;
    for (int i = 0; i < 3; ++i) {
        kafka::protocol::record r;
        r.offset = i;
        r.key = "k" + std::to_string(i);
        r.value = "value " + std::to_string(i);
        r.timestamp = fixed_now - 1000 + i;
        records.push_back(std::move(r));
    }
    const std::string batch =
        kafka::protocol::encode_batch({}, records, kafka::protocol::compression_codec::gzip);
    cluster->append("orders", 0, {batch, fixed_now - 1000, fixed_now - 998}, false);
    return store;
}

// Topic -> partition -> log end offset.
using log_ends = std::map<std::string, std::map<std::int32_t, std::int64_t>>;

log_ends snapshot(const state::kafka_store& store) {
    log_ends out;
    const auto cluster = store.cluster(project_id, instance_id);
    for (const auto& topic : cluster->list_topics()) {
        auto& partitions = out[topic.name];
        for (const auto& p : cluster->partitions(topic.name)) partitions[p.partition] = p.end_offset;
    }
    return out;
}

struct header_start {
    std::int16_t key = 0;
    std::int16_t version = 0;
    std::int32_t correlation_id = 0;
};

std::optional<header_start> read_start(std::string_view frame) {
    try {
        kp::reader in(frame);
        header_start h;
        h.key = in.int16();
        h.version = in.int16();
        h.correlation_id = in.int32();
        return h;
    } catch (const kp::decode_error&) {
        return std::nullopt;
    }
}

// Where a Produce request's acks field is (Produce is non-flexible up to v7), if the frame reaches it.
std::optional<std::size_t> acks_position(std::string_view frame, std::int16_t version) {
    try {
        kp::reader in(frame);
        in.raw(8);
        in.nullable_string();                    // client_id
        if (version >= 3) in.nullable_string();  // transactional_id
        const std::size_t at = in.position();
        in.int16();
        return at;
    } catch (const kp::decode_error&) {
        return std::nullopt;
    }
}

struct run_result {
    kafka::outcome out;
    log_ends before;
    log_ends after;
};

run_result run(std::string_view frame, bool auto_topic) {
    const auto store = make_store(auto_topic);
    const kafka::connection_context connection{*store, project_id, instance_id, max_decompressed, nullptr};
    run_result result;
    result.before = snapshot(*store);
    try {
        result.out = kafka::dispatch(connection, frame, false);
        if (result.out.wait) {
            const auto h = read_start(frame);
            if (!h || h->key != static_cast<std::int16_t>(kp::api_key::fetch))
                fail("a request other than Fetch waits");
            if (!result.out.frame.empty() || result.out.close) fail("a waiting request answered or closed");
            if (result.out.wait->count() <= 0) fail("a wait of no time");
            result.out = kafka::dispatch(connection, frame, true);
            if (result.out.wait) fail("the final attempt waits again");
        }
        if (result.out.deferred) {
            const auto h = read_start(frame);
            if (!h || (h->key != static_cast<std::int16_t>(kp::api_key::join_group) &&
                       h->key != static_cast<std::int16_t>(kp::api_key::sync_group)))
                fail("a request other than JoinGroup or SyncGroup answers later");
            if (!result.out.frame.empty() || result.out.close) fail("a deferred request answered or closed");
            // A group of one answers at once; one that waits for other members stays unanswered here.
            result.out.deferred->on_ready([&](std::string answer) { result.out.frame = std::move(answer); });
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        fail("an exception escaped dispatch");
    } catch (...) {
        fail("a non-standard exception escaped dispatch");
    }
    result.after = snapshot(*store);
    return result;
}

void check_frame(const std::string& frame, std::int32_t correlation_id) {
    if (frame.size() < 8) fail("a response frame shorter than its size and correlation id");
    kp::reader in(frame);
    if (in.int32() != static_cast<std::int32_t>(frame.size() - 4))
        fail("the size prefix is not the frame's length");
    if (in.int32() != correlation_id) fail("the response's correlation id is not the request's");
}

// A Produce answer's partitions: topic -> (partition, error, base offset), in answer order.
using produce_answers =
    std::map<std::string, std::vector<std::tuple<std::int32_t, std::int16_t, std::int64_t>>>;

produce_answers parse_produce(const std::string& frame, std::int16_t version) {
    produce_answers out;
    try {
        kp::reader in(std::string_view(frame).substr(8));
        const auto topics = in.array_length(false);
        for (std::int32_t t = 0; t < topics; ++t) {
            auto& partitions = out[std::string(in.string())];
            const auto n = in.array_length(false);
            for (std::int32_t p = 0; p < n; ++p) {
                const auto index = in.int32();
                const auto error = in.int16();
                const auto base = in.int64();
                if (version >= 2) in.int64();  // log_append_time
                if (version >= 5) in.int64();  // log_start_offset
                partitions.emplace_back(index, error, base);
            }
        }
        if (version >= 1) in.int32();  // throttle_time_ms
        if (!in.at_end()) fail("bytes after a Produce answer");
    } catch (const kp::decode_error& e) {
        std::fprintf(stderr, "%s\n", e.what());
        fail("a Produce answer that does not decode");
    }
    return out;
}

// Every log that grew did so through Produce partitions answered with error 0, the first at the old log
// end, and every partition answered with error 0 grew.
void check_growth(const log_ends& before, const log_ends& after, const produce_answers& answers) {
    std::map<std::pair<std::string, std::int32_t>, std::vector<std::int64_t>> bases;
    for (const auto& [topic, partitions] : answers) {
        for (const auto& [index, error, base] : partitions) {
            if (error == 0) bases[{topic, index}].push_back(base);
        }
    }
    for (const auto& [topic, partitions] : after) {
        for (const auto& [index, end] : partitions) {
            std::int64_t old_end = 0;
            if (const auto t = before.find(topic); t != before.end()) {
                if (const auto p = t->second.find(index); p != t->second.end()) old_end = p->second;
            }
            if (end < old_end) fail("a log end offset went back");
            const auto found = bases.find({topic, index});
            if (end == old_end) {
                if (found != bases.end()) fail("a partition answered error 0 but stored nothing");
                continue;
            }
            if (found == bases.end()) fail("records stored without a Produce partition answering error 0");
            std::int64_t next = old_end;
            for (const auto base : found->second) {
                if (base < next) fail("a base offset below the log end");
                next = base + 1;
            }
            if (found->second.front() != old_end) fail("the first base offset is not the old log end");
            if (end < next) fail("the log end is below the last base offset");
            bases.erase(found);
        }
    }
    if (!bases.empty()) fail("a partition answered error 0 that does not exist");
}

bool known_api(std::int16_t key) {
    using kp::api_key;
    for (const auto k : {api_key::produce, api_key::fetch, api_key::list_offsets, api_key::metadata,
                         api_key::api_versions}) {
        if (static_cast<std::int16_t>(k) == key) return true;
    }
    return false;
}

void check_topics(const log_ends& before, const log_ends& after, std::int16_t key, bool auto_topic) {
    if (!known_api(key)) return;  // the admin APIs create and delete topics
    for (const auto& [topic, partitions] : before) {
        if (!after.count(topic)) fail("a topic disappeared");
    }
    for (const auto& [topic, partitions] : after) {
        if (before.count(topic)) {
            if (before.at(topic).size() != partitions.size()) fail("a topic's partition count changed");
            continue;
        }
        const bool may_create = auto_topic && (key == static_cast<std::int16_t>(kp::api_key::metadata) ||
                                               key == static_cast<std::int16_t>(kp::api_key::produce));
        if (!may_create) fail("a topic appeared without auto topic creation");
        if (partitions.size() != 3) fail("an auto-created topic without 3 partitions");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view frame(reinterpret_cast<const char*>(data), size);
    const auto h = read_start(frame);
    const bool auto_topic = h && (h->correlation_id & 1) != 0;
    const auto first = run(frame, auto_topic);
    const auto& out = first.out;
    if (!h) {
        if (!out.close || !out.frame.empty()) fail("a frame shorter than a header did not close silently");
        return 0;
    }
    if (!out.frame.empty()) check_frame(out.frame, h->correlation_id);

    const kafka::api_entry* api = kafka::find_api(h->key);
    if (api == nullptr) {
        if (!out.close || !out.frame.empty()) fail("an unknown API key did not close silently");
        return 0;
    }
    const bool is_api_versions = api->key == kp::api_key::api_versions;
    if (h->version < api->min_version || h->version > api->max_version) {
        if (is_api_versions && h->version > api->max_version) {
            if (out.close || out.frame.size() < 10) fail("a newer ApiVersions got no answer");
            kp::reader in(std::string_view(out.frame).substr(8));
            if (in.int16() != kp::number(kp::error_code::unsupported_version))
                fail("a newer ApiVersions is not UNSUPPORTED_VERSION");
        } else if (!out.close || !out.frame.empty()) {
            fail("a version outside the table did not close silently");
        }
        if (first.after != first.before) fail("a refused version changed the state");
        return 0;
    }

    check_topics(first.before, first.after, h->key, auto_topic);
    if (api->key != kp::api_key::produce) {
        produce_answers none;
        check_growth(first.before, first.after, none);
        return 0;
    }
    if (!out.frame.empty()) {
        check_growth(first.before, first.after, parse_produce(out.frame, h->version));
        return 0;
    }
    // No answer: a Produce with acks 0, or one that did not decode (closed). Replayed with acks 1, the same
    // frame must store the same and say why.
    if (first.after == first.before) return 0;
    const auto at = acks_position(frame, h->version);
    if (!at) fail("a Produce that stores and has no acks field");
    std::string replay(frame);
    replay[*at] = 0;
    replay[*at + 1] = 1;
    const auto second = run(replay, auto_topic);
    if (second.after != first.after) fail("acks 0 and acks 1 stored differently");
    if (second.out.frame.empty()) fail("a Produce with acks 1 that stores got no answer");
    check_growth(second.before, second.after, parse_produce(second.out.frame, h->version));
    return 0;
}
