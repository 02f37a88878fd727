// --data-dir with librdkafka (issue 19): what a producer had acknowledged (acks=all, compressed batches of
// many records) and what a group committed are there after a restart on the same directory, and the
// restarted instance serves them over its new listener, byte for byte as before.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "tests/clients/kafka/rdkafka.hpp"
#include "tests/support/dms_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

namespace fs = std::filesystem;

std::function<void(server::config&)> on_dir(const fs::path& dir) {
    return [dir](server::config& c) {
        c.data_dir = dir.string();
        c.fsync = "interval";
    };
}

// Commits `offsets` for group `group` on topic orders, as a consumer that assigned itself the partitions.
void commit(const std::string& bootstrap, const std::string& group,
            const std::vector<std::int64_t>& offsets) {
    std::string error;
    auto consumer = rdkafka::make(RD_KAFKA_CONSUMER, bootstrap, {{"group.id", group}}, error);
    ASSERT_TRUE(consumer) << error;
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(3);
    for (std::size_t p = 0; p < offsets.size(); ++p) {
        rd_kafka_topic_partition_list_add(list, "orders", static_cast<std::int32_t>(p))->offset = offsets[p];
    }
    EXPECT_EQ(rd_kafka_commit(consumer.get(), list, 0), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(list);
    rd_kafka_consumer_close(consumer.get());
}

std::vector<std::int64_t> committed(const std::string& bootstrap, const std::string& group) {
    std::string error;
    auto consumer = rdkafka::make(RD_KAFKA_CONSUMER, bootstrap, {{"group.id", group}}, error);
    EXPECT_TRUE(consumer) << error;
    if (!consumer) return {};
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(3);
    for (std::int32_t p = 0; p < 3; ++p) rd_kafka_topic_partition_list_add(list, "orders", p);
    EXPECT_EQ(rd_kafka_committed(consumer.get(), list, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    std::vector<std::int64_t> out;
    for (int i = 0; i < list->cnt; ++i) out.push_back(list->elems[i].offset);
    rd_kafka_topic_partition_list_destroy(list);
    rd_kafka_consumer_close(consumer.get());
    return out;
}

std::string exported(const test_server& server) {
    const auto reply = server.request("GET", "/_emulator/state");
    EXPECT_EQ(reply.status, 200U) << reply.body;
    return reply.body;
}

TEST(kafka_data_dir, acknowledged_batches_and_commits_survive_a_restart) {
    const fs::path dir = fs::temp_directory_path() / ("emu-kafka-data-dir-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    std::string instance;
    std::string before;
    std::vector<std::vector<rdkafka::message>> read_before(3);
    {
        test_server first(on_dir(dir));
        instance = create_instance(first);
        create_topic(first, instance, "orders", 3);
        const auto bootstrap = kafka_bootstrap(first, instance);
        rdkafka::producer p(bootstrap, {{"acks", "all"}, {"compression.codec", "lz4"}, {"linger.ms", "20"}});
        ASSERT_TRUE(p.ok()) << p.error();
        for (int i = 0; i < 600; ++i) {
            ASSERT_EQ(p.produce("orders", i % 3, "k" + std::to_string(i), "value-" + std::to_string(i),
                                {{"n", std::to_string(i)}}),
                      RD_KAFKA_RESP_ERR_NO_ERROR);
        }
        rdkafka::expect_delivered(p, 600);
        commit(bootstrap, "billing", {150, 7, 200});
        const auto deleted = first.request("POST", post_delete_path(instance, "orders"),
                                           R"({"partitions":[{"partition":0,"offset":42}]})");
        EXPECT_EQ(deleted.status, 200U) << deleted.body;
        before = exported(first);
        for (std::int32_t partition = 0; partition < 3; ++partition) {
            read_before[partition] = rdkafka::consume(bootstrap, "orders", partition,
                                                      RD_KAFKA_OFFSET_BEGINNING, partition == 0 ? 158 : 200);
            EXPECT_EQ(read_before[partition].size(), partition == 0 ? 158U : 200U);
        }
    }
    test_server second(on_dir(dir));
    EXPECT_EQ(exported(second), before);
    const auto bootstrap = kafka_bootstrap(second, instance);
    for (std::int32_t partition = 0; partition < 3; ++partition) {
        const auto again = rdkafka::consume(bootstrap, "orders", partition, RD_KAFKA_OFFSET_BEGINNING,
                                            read_before[partition].size());
        ASSERT_EQ(again.size(), read_before[partition].size()) << "partition " << partition;
        EXPECT_EQ(again.front().offset, partition == 0 ? 42 : 0);
        for (std::size_t i = 0; i < again.size(); ++i) {
            EXPECT_EQ(again[i].offset, read_before[partition][i].offset);
            EXPECT_EQ(again[i].key, read_before[partition][i].key);
            EXPECT_EQ(again[i].value, read_before[partition][i].value);
            EXPECT_EQ(again[i].timestamp, read_before[partition][i].timestamp);
            EXPECT_EQ(again[i].headers, read_before[partition][i].headers);
        }
    }
    EXPECT_EQ(committed(bootstrap, "billing"), (std::vector<std::int64_t>{150, 7, 200}));
    // The restored log takes appends where it ended.
    rdkafka::producer p(bootstrap, {{"acks", "all"}});
    ASSERT_EQ(p.produce("orders", 1, std::nullopt, "after"), RD_KAFKA_RESP_ERR_NO_ERROR);
    const auto reports = p.flush();
    ASSERT_EQ(reports.size(), 1U);
    EXPECT_EQ(reports[0].offset, 200);
    fs::remove_all(dir);
}

// The values read from `topic` partition 0, from the beginning, `count` of them, with their first offset.
std::pair<std::int64_t, std::vector<std::string>> values(const std::string& bootstrap,
                                                         const std::string& topic, std::size_t count) {
    const auto read = rdkafka::consume(bootstrap, topic, 0, RD_KAFKA_OFFSET_BEGINNING, count);
    std::vector<std::string> out;
    for (const auto& m : read) out.push_back(m.value.value_or("<null>"));
    return {read.empty() ? -1 : read.front().offset, out};
}

// DeleteKafkaTopicMessages on topic events partition 0, to `offset`.
void delete_to(const test_server& server, const std::string& instance, std::int64_t offset) {
    const auto deleted =
        server.request("POST", post_delete_path(instance, "events"),
                       R"({"partitions":[{"partition":0,"offset":)" + std::to_string(offset) + "}]}");
    EXPECT_EQ(deleted.status, 200U) << deleted.body;
}

std::vector<std::string> numbered(int from, int to) {
    std::vector<std::string> out;
    for (int i = from; i < to; ++i) out.push_back("value-" + std::to_string(i));
    return out;
}

// A restored log serves its batches from the segment files they were read from: across a deletion into
// them, appends behind them and a second restart, every record read is the one written.
TEST(kafka_data_dir, a_restored_log_is_trimmed_appended_to_and_restored_again) {
    const fs::path dir = fs::temp_directory_path() / ("emu-kafka-restored-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    std::string instance;
    const auto produce = [](const std::string& bootstrap, int from, int to) {
        rdkafka::producer p(bootstrap, {{"acks", "all"}, {"batch.num.messages", "10"}, {"linger.ms", "5"}});
        ASSERT_TRUE(p.ok()) << p.error();
        for (int i = from; i < to; ++i)
            ASSERT_EQ(p.produce("events", 0, std::nullopt, "value-" + std::to_string(i)),
                      RD_KAFKA_RESP_ERR_NO_ERROR);
        rdkafka::expect_delivered(p, static_cast<std::size_t>(to - from));
    };
    {
        test_server first(on_dir(dir));
        instance = create_instance(first);
        create_topic(first, instance, "events", 1);
        produce(kafka_bootstrap(first, instance), 0, 300);
    }
    {
        test_server second(on_dir(dir));
        const auto bootstrap = kafka_bootstrap(second, instance);
        EXPECT_EQ(values(bootstrap, "events", 300), std::make_pair(std::int64_t{0}, numbered(0, 300)));
        delete_to(second, instance, 105);
        produce(bootstrap, 300, 350);
        EXPECT_EQ(values(bootstrap, "events", 245), std::make_pair(std::int64_t{105}, numbered(105, 350)));
    }
    test_server third(on_dir(dir));
    const auto bootstrap = kafka_bootstrap(third, instance);
    EXPECT_EQ(values(bootstrap, "events", 245), std::make_pair(std::int64_t{105}, numbered(105, 350)));
    delete_to(third, instance, 340);
    EXPECT_EQ(values(bootstrap, "events", 10), std::make_pair(std::int64_t{340}, numbered(340, 350)));
    fs::remove_all(dir);
}

// A produce the disk refuses is answered KAFKA_STORAGE_ERROR; what was acknowledged before is all there is
// after a restart.
TEST(kafka_data_dir, a_full_disk_answers_kafka_storage_error) {
    ASSERT_EQ(::geteuid(), 0u) << "mounting the small file system needs root (CI runs as root)";
    const fs::path dir = fs::temp_directory_path() / ("emu-kafka-full-disk-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    ASSERT_EQ(::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=256k"), 0) << std::strerror(errno);
    struct unmount {
        fs::path at;
        ~unmount() {
            ::umount2(at.c_str(), MNT_DETACH);
            fs::remove_all(at);
        }
    } guard{dir};
    std::string instance;
    std::int64_t acknowledged = 0;
    {
        test_server first(on_dir(dir / "data"));
        instance = create_instance(first);
        create_topic(first, instance, "orders", 1);
        rdkafka::producer p(kafka_bootstrap(first, instance), {{"acks", "all"}, {"retries", "0"}});
        ASSERT_TRUE(p.ok()) << p.error();
        rd_kafka_resp_err_t refused = RD_KAFKA_RESP_ERR_NO_ERROR;
        for (int i = 0; i < 200 && refused == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
            ASSERT_EQ(p.produce("orders", 0, std::nullopt, "fill-" + std::string(4000, 'x')),
                      RD_KAFKA_RESP_ERR_NO_ERROR);
            const auto reports = p.flush();
            ASSERT_EQ(reports.size(), 1U);
            if (reports[0].error == RD_KAFKA_RESP_ERR_NO_ERROR) {
                EXPECT_EQ(reports[0].offset, acknowledged);
                ++acknowledged;
            } else {
                refused = reports[0].error;
            }
        }
        EXPECT_EQ(refused, RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR) << rd_kafka_err2str(refused);
        EXPECT_GT(acknowledged, 10);
    }
    test_server second(on_dir(dir / "data"));
    const auto read = rdkafka::consume(kafka_bootstrap(second, instance), "orders", 0,
                                       RD_KAFKA_OFFSET_BEGINNING, static_cast<std::size_t>(acknowledged));
    ASSERT_EQ(static_cast<std::int64_t>(read.size()), acknowledged);
    EXPECT_EQ(read.back().offset, acknowledged - 1);
    // Nothing beyond them: the refused batch was cut off the file.
    const auto state = second.request("GET", "/_emulator/state").body;
    std::int64_t stored = 0;
    for (auto at = state.find("fill-"); at != std::string::npos; at = state.find("fill-", at + 5)) ++stored;
    EXPECT_EQ(stored, acknowledged);
}

}  // namespace
}  // namespace emu::test
