// --data-dir (issue 19): the state of both services survives a restart on the same directory, whatever
// changed it; the directory is held by one process; a torn tail is cut and corruption refuses startup.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

namespace fs = std::filesystem;

const std::string instance = "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
const std::string v2 = "/v2/" + project_id;
const std::string instance_root = v2 + "/instances/" + instance;
const std::string kafka_instance_root = v2 + "/kafka/instances/" + instance;

struct scratch_dir {
    fs::path path =
        fs::temp_directory_path() / ("emu-data-dir-test-" + std::to_string(::getpid()) + "-" +
                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    scratch_dir() { fs::remove_all(path); }
    ~scratch_dir() { fs::remove_all(path); }
};

std::function<void(server::config&)> on_dir(const fs::path& dir, const std::string& fixture = {}) {
    return [dir, fixture](server::config& c) {
        c.data_dir = dir.string();
        c.fsync = "never";
        c.fixture = fixture;
    };
}

const std::string example_fixture = std::string(EMU_SOURCE_DIR) + "/examples/fixture.json";

// What startup on `dir` (with `fixture`) refuses, as startup_error's message and exit code; fails the test
// when it starts.
std::pair<std::string, int> startup_refusal(const fs::path& dir, const std::string& fixture = {}) {
    server::config settings;
    settings.port = 0;
    settings.kafka_port = 0;
    on_dir(dir, fixture)(settings);
    try {
        server::app app(settings);
    } catch (const server::startup_error& error) {
        return {error.what(), error.exit_code()};
    }
    ADD_FAILURE() << "the emulator started on " << dir;
    return {};
}

std::string exported(const test_server& server) {
    const auto reply = server.request("GET", "/_emulator/state");
    EXPECT_EQ(reply.status, 200U) << reply.body;
    return reply.body;
}

struct step {
    std::string method;
    std::string target;
    std::string body;
    unsigned status;
};

void run(const test_server& server, const std::vector<step>& steps) {
    for (const auto& s : steps) {
        const auto reply = server.request(s.method, s.target, s.body);
        EXPECT_EQ(reply.status, s.status) << s.method << " " << s.target << ": " << reply.body;
    }
}

// Something of every kind of state of both services, changed through the API.
const std::vector<step> changes = {
    {"POST", instance_root + "/topics", R"({"id":"payments","partition":2})", 200},
    {"POST", instance_root + "/messages/action?action_id=send",
     R"({"topic":"payments","body":"hello","property_list":[{"name":"KEY","value":"k1"}]})", 200},
    {"POST", instance_root + "/messages/action?action_id=send", R"({"topic":"orders","body":"m1"})", 200},
    {"POST", instance_root + "/messages/action?action_id=send", R"({"topic":"orders","body":"m2"})", 200},
    {"POST", kafka_instance_root + "/topics/orders/messages/delete",
     R"({"partitions":[{"partition":0,"offset":1}]})", 200},
    {"POST", kafka_instance_root + "/group", R"({"group_name":"billing","group_desc":"invoices"})", 200},
    {"PUT", instance_root + "/topics", R"({"topics":[{"id":"orders","retention_time":24}]})", 204},
    {"POST", instance_root + "/autotopic", R"({"enable_auto_topic":true})", 200},
    {"POST", v2 + "/streams", R"({"stream_name":"clicks","partition_count":3})", 201},
    {"POST", v2 + "/records",
     R"({"stream_name":"clicks","records":[{"data":"Y2xpY2s=","partition_key":"u1"},{"data":"dHdv","partition_id":"shardId-0000000002"}]})",
     200},
    {"POST", v2 + "/records",
     R"({"stream_name":"orders","records":[{"data":"bW9yZQ==","partition_id":"0"}]})", 200},
    {"PUT", v2 + "/streams/orders", R"({"stream_name":"orders","target_partition_count":1})", 200},
    {"POST", v2 + "/stream/EmuStreamOrders0001/tags", R"({"tag":{"key":"team","value":"core"}})", 204},
    {"POST", v2 + "/apps", R"({"app_name":"audit"})", 201},
    {"POST", v2 + "/checkpoints",
     R"({"app_name":"audit","checkpoint_type":"LAST_READ","stream_name":"clicks","partition_id":"2","sequence_number":"1"})",
     201},
    {"DELETE", v2 + "/checkpoints?app_name=billing&checkpoint_type=LAST_READ&stream_name=orders", "", 204},
};

TEST(data_dir, every_kind_of_state_comes_back_after_a_restart) {
    scratch_dir dir;
    std::string before;
    {
        test_server first(on_dir(dir.path, example_fixture));
        run(first, changes);
        before = exported(first);
    }
    test_server second(on_dir(dir.path));
    EXPECT_EQ(exported(second), before);
}

TEST(data_dir, deletions_stay_deleted_after_a_restart) {
    scratch_dir dir;
    std::string before;
    {
        test_server first(on_dir(dir.path, example_fixture));
        run(first, changes);
        run(first, {
                       {"POST", instance_root + "/topics/delete", R"({"topics":["payments"]})", 200},
                       {"DELETE", v2 + "/streams/clicks", "", 204},
                       {"DELETE", v2 + "/apps/audit", "", 204},
                   });
        before = exported(first);
        EXPECT_EQ(before.find("payments"), std::string::npos);
        EXPECT_EQ(before.find("clicks"), std::string::npos);
    }
    EXPECT_FALSE(fs::exists(dir.path / "logs" / "kafka" / project_id / instance / "payments"));
    test_server second(on_dir(dir.path));
    EXPECT_EQ(exported(second), before);
    // A topic created again under a deleted one's name starts empty.
    run(second, {{"POST", instance_root + "/topics", R"({"id":"payments","partition":1})", 200}});
    const auto after = exported(second);
    EXPECT_EQ(after.find("hello"), std::string::npos) << after;
}

TEST(data_dir, a_state_load_and_a_reset_are_kept) {
    scratch_dir dir;
    {
        test_server first(on_dir(dir.path));
        std::ifstream in(example_fixture);
        const std::string fixture((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_EQ(first.request("PUT", "/_emulator/state", fixture).status, 200U);
    }
    std::string loaded;
    {
        test_server second(on_dir(dir.path));
        loaded = exported(second);
        EXPECT_NE(loaded.find("EmuStreamOrders0001"), std::string::npos);
        EXPECT_NE(loaded.find("b3JkZXItMQ=="), std::string::npos);
        EXPECT_EQ(second.request("POST", "/_emulator/reset").status / 100, 2U);
    }
    test_server third(on_dir(dir.path));
    EXPECT_EQ(exported(third), R"({"projects":[]})");
}

TEST(data_dir, a_directory_with_a_state_wins_over_the_fixture) {
    scratch_dir dir;
    {
        test_server first(on_dir(dir.path, example_fixture));
        run(first, {{"DELETE", v2 + "/streams/orders", "", 204}});
    }
    // The fixture would bring the stream back; the directory's state, without it, is what starts.
    test_server second(on_dir(dir.path, example_fixture));
    EXPECT_EQ(exported(second).find("EmuStreamOrders0001"), std::string::npos);
    const auto reply = second.request("GET", v2 + "/streams/orders");
    EXPECT_NE(reply.body.find("DIS.4301"), std::string::npos) << reply.body;
}

TEST(data_dir, a_used_directory_wins_over_the_fixture_even_when_reset_to_nothing) {
    scratch_dir dir;
    {
        test_server first(on_dir(dir.path, example_fixture));
        EXPECT_EQ(first.request("POST", "/_emulator/reset").status / 100, 2U);
    }
    test_server second(on_dir(dir.path, example_fixture));
    EXPECT_EQ(exported(second), R"({"projects":[]})");
}

TEST(data_dir, a_second_process_on_the_directory_is_refused_by_name) {
    scratch_dir dir;
    test_server first(on_dir(dir.path));
    const auto [message, code] = startup_refusal(dir.path);
    EXPECT_NE(message.find(dir.path.string()), std::string::npos) << message;
    EXPECT_NE(message.find("in use"), std::string::npos) << message;
}

// The newest segment of the example's orders/0 partition.
fs::path orders_segment(const fs::path& dir) {
    const auto partition = dir / "logs" / "kafka" / project_id / instance / "orders" / "0";
    fs::path last;
    for (const auto& entry : fs::directory_iterator(partition)) {
        if (entry.path().extension() == ".seg" && entry.path() > last) last = entry.path();
    }
    return last;
}

TEST(data_dir, a_torn_tail_is_cut_and_the_rest_comes_back) {
    scratch_dir dir;
    std::string before;
    {
        test_server first(on_dir(dir.path, example_fixture));
        before = exported(first);
        run(first, {{"POST", instance_root + "/messages/action?action_id=send",
                     R"({"topic":"orders","body":"last","partition":0})", 200}});
    }
    // A crash in the middle of the last write: its record is cut short.
    const auto segment = orders_segment(dir.path);
    fs::resize_file(segment, fs::file_size(segment) - 5);
    test_server second(on_dir(dir.path));
    EXPECT_EQ(exported(second), before);
    // Appends go on after the cut.
    run(second, {{"POST", instance_root + "/messages/action?action_id=send",
                  R"({"topic":"orders","body":"again","partition":0})", 200}});
    const auto after = exported(second);
    EXPECT_NE(after.find("again"), std::string::npos);
    EXPECT_EQ(after.find("\"last\""), std::string::npos);
}

TEST(data_dir, damage_before_the_tail_refuses_startup_naming_file_and_offset) {
    scratch_dir dir;
    { test_server first(on_dir(dir.path, example_fixture)); }
    const auto segment = orders_segment(dir.path);
    {
        std::fstream file(segment, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(20);  // inside the first record's payload; more records follow
        file.put('\x7f');
    }
    const auto [message, code] = startup_refusal(dir.path);
    EXPECT_NE(message.find(segment.string()), std::string::npos) << message;
    EXPECT_NE(message.find("offset 0"), std::string::npos) << message;
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

TEST(data_dir, a_full_disk_answers_500_and_keeps_exactly_what_was_acknowledged) {
    ASSERT_EQ(::geteuid(), 0u) << "mounting the small file system needs root (CI runs as root)";
    scratch_dir dir;
    const auto mnt = dir.path / "small";
    fs::create_directories(mnt);
    ASSERT_EQ(::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=256k"), 0) << std::strerror(errno);
    struct unmount {
        fs::path at;
        ~unmount() { ::umount2(at.c_str(), MNT_DETACH); }
    } guard{mnt};
    const auto data = mnt / "data";
    const std::string filler(4000, 'x');
    std::size_t acknowledged = 0;
    {
        test_server first(on_dir(data, example_fixture));
        bool refused = false;
        for (int i = 0; i < 200 && !refused; ++i) {
            const auto reply =
                first.request("POST", instance_root + "/messages/action?action_id=send",
                              R"({"topic":"orders","partition":1,"body":"fill-)" + filler + R"("})");
            if (reply.status == 200) {
                ++acknowledged;
                continue;
            }
            refused = true;
            EXPECT_EQ(reply.status, 500U);
            EXPECT_NE(reply.body.find("DMS.00500000"), std::string::npos) << reply.body;
        }
        ASSERT_TRUE(refused) << "the disk never filled";
        EXPECT_GT(acknowledged, 10U);
        const auto record = first.request("POST", v2 + "/records",
                                          R"({"stream_name":"orders","records":[{"data":")" +
                                              std::string(8000, 'A') + R"(","partition_id":"0"}]})");
        EXPECT_EQ(record.status, 500U) << record.body;
        EXPECT_NE(record.body.find("DIS.5000"), std::string::npos) << record.body;
    }
    // Only whole records are on the disk, and every acknowledged message is among them.
    test_server second(on_dir(data));
    const auto after = exported(second);
    EXPECT_EQ(count_of(after, "fill-"), acknowledged);
    EXPECT_EQ(after.find("AAAAAAAA"), std::string::npos);
}

TEST(data_dir, a_fixture_that_does_not_fit_on_the_disk_stops_startup_by_name) {
    ASSERT_EQ(::geteuid(), 0u) << "mounting the small file system needs root (CI runs as root)";
    scratch_dir dir;
    fs::create_directories(dir.path);
    ASSERT_EQ(::mount("tmpfs", dir.path.c_str(), "tmpfs", 0, "size=8k"), 0) << std::strerror(errno);
    struct unmount {
        fs::path at;
        ~unmount() { ::umount2(at.c_str(), MNT_DETACH); }
    } guard{dir.path};
    const auto [message, code] = startup_refusal(dir.path / "data", example_fixture);
    EXPECT_EQ(code, 1);
    EXPECT_NE(message.find("the fixture's state could not be written"), std::string::npos) << message;
    EXPECT_NE(message.find("No space left on device"), std::string::npos) << message;
}

}  // namespace
}  // namespace emu::test
