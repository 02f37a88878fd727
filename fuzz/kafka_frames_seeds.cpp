// Writes the seed corpus of fuzz_kafka_frames: one request frame (the bytes after its size) per file, as
// librdkafka sends them, built with the project's own codec so that the Produce batch has a valid CRC.
//   build-fuzz/fuzz/kafka_frames_seeds fuzz/corpus/kafka_frames
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "kafka/protocol/codec.hpp"
#include "kafka/protocol/record_batch.hpp"

namespace {

namespace kp = emu::kafka::protocol;

// A request header v1 (v2 when flexible: tagged fields after the client id).
std::string header(std::int16_t key, std::int16_t version, std::int32_t correlation_id,
                   bool flexible = false) {
    std::string out;
    kp::writer w(out);
    w.int16(key);
    w.int16(version);
    w.int32(correlation_id);
    w.nullable_string(std::string_view("rdkafka"));
    w.tagged_fields(flexible);
    return out;
}

std::string api_versions_v0() {
    return header(18, 0, 2);
}

std::string api_versions_v3() {
    std::string out = header(18, 3, 4, true);
    kp::writer w(out);
    w.string("librdkafka", true);
    w.string("2.0.2", true);
    w.tagged_fields(true);
    return out;
}

std::string metadata_v1(std::int32_t correlation_id, const std::vector<std::string>& topics) {
    std::string out = header(3, 1, correlation_id);
    kp::writer w(out);
    w.array_length(topics.size());
    for (const auto& t : topics) w.string(t);
    return out;
}

std::string batch() {
    std::vector<kp::record> records;
    for (int i = 0; i < 2; ++i) {
        kp::record r;
        r.offset = i;
        r.timestamp = 1'700'000'000'000 + i;
        r.key = "key" + std::to_string(i);
        r.value = "value" + std::to_string(i);
        r.headers.push_back({"h", std::string("v")});
        records.push_back(r);
    }
    kp::batch_header h;
    h.base_timestamp = records.front().timestamp;
    return kp::encode_batch(h, records);
}

std::string produce_v3(std::int32_t correlation_id, std::int16_t acks, const std::string& topic) {
    std::string out = header(0, 3, correlation_id);
    kp::writer w(out);
    w.nullable_string(std::nullopt);  // transactional_id
    w.int16(acks);
    w.int32(30000);  // timeout_ms
    w.array_length(1);
    w.string(topic);
    w.array_length(1);
    w.int32(1);  // partition
    w.nullable_bytes(batch());
    return out;
}

std::string fetch_v4() {
    std::string out = header(1, 4, 10);
    kp::writer w(out);
    w.int32(-1);     // replica_id
    w.int32(100);    // max_wait_ms
    w.int32(1);      // min_bytes
    w.int32(65536);  // max_bytes
    w.int8(1);       // isolation_level: read_committed
    w.array_length(1);
    w.string("orders");
    w.array_length(2);
    for (const std::int32_t p : {0, 1}) {
        w.int32(p);
        w.int64(0);      // fetch_offset
        w.int32(32768);  // partition_max_bytes
    }
    return out;
}

std::string list_offsets_v1() {
    std::string out = header(2, 1, 12);
    kp::writer w(out);
    w.int32(-1);  // replica_id
    w.array_length(1);
    w.string("orders");
    w.array_length(3);
    const std::int64_t times[] = {-1, -2, 1'700'000'000'000 - 999};
    for (std::int32_t p = 0; p < 3; ++p) {
        w.int32(0);
        w.int64(times[p]);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s DIRECTORY\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    const std::vector<std::pair<std::string, std::string>> seeds{
        {"api_versions_v0", api_versions_v0()},
        {"api_versions_v3", api_versions_v3()},
        {"metadata_v1", metadata_v1(6, {"orders"})},
        // An odd correlation id: the fuzz target's instance has auto topic creation on.
        {"metadata_v1_auto_topic", metadata_v1(7, {"fresh"})},
        {"produce_v3", produce_v3(8, 1, "orders")},
        {"produce_v3_acks0_auto_topic", produce_v3(9, 0, "fresh")},
        {"fetch_v4", fetch_v4()},
        {"list_offsets_v1", list_offsets_v1()},
    };
    for (const auto& [name, frame] : seeds) {
        std::ofstream out(dir + "/" + name, std::ios::binary);
        out << frame;
        if (!out) {
            std::fprintf(stderr, "cannot write %s/%s\n", dir.c_str(), name.c_str());
            return 1;
        }
    }
    return 0;
}
