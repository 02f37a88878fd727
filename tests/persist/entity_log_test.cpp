// The metadata log on real files: changes come back after a restart, a set of changes is kept whole or
// not at all, compaction keeps exactly the map, and damage before the tail is refused.
#include "persist/entity_log.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace emu::persist;

class entity_log_test : public ::testing::Test {
  protected:
    fs::path dir;
    void SetUp() override {
        dir = fs::temp_directory_path() / ("entities-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir);
    }
    void TearDown() override { fs::remove_all(dir); }
};

TEST_F(entity_log_test, changes_come_back_after_a_restart) {
    {
        entity_log log(dir, fsync_policy::always);
        EXPECT_TRUE(log.open().empty());
        log.apply({{"topic/a", "{\"partitions\":3}"}, {"topic/b", "{}"}});
        log.apply({{"topic/b", std::nullopt}, {"group/g", "offsets"}});
        log.apply({{"topic/a", "{\"partitions\":6}"}});
    }
    entity_log log(dir, fsync_policy::always);
    const auto& map = log.open();
    EXPECT_EQ(
        map, (std::map<std::string, std::string>{{"group/g", "offsets"}, {"topic/a", "{\"partitions\":6}"}}));
}

TEST_F(entity_log_test, a_set_of_changes_cut_by_a_crash_is_lost_whole_and_named) {
    {
        entity_log log(dir, fsync_policy::never);
        log.open();
        log.apply({{"a", "1"}});
        log.apply({{"b", "2"}, {"c", "3"}, {"a", std::nullopt}});
    }
    const auto file = dir / "metadata.log";
    fs::resize_file(file, fs::file_size(file) - 5);
    entity_log log(dir, fsync_policy::never);
    std::vector<std::string> cut;
    EXPECT_EQ(log.open(&cut), (std::map<std::string, std::string>{{"a", "1"}}));
    ASSERT_EQ(cut.size(), 1u);
    EXPECT_NE(cut[0].find(file.string()), std::string::npos) << cut[0];
    log.apply({{"d", "4"}});
    entity_log again(dir, fsync_policy::never);
    EXPECT_EQ(again.open(), (std::map<std::string, std::string>{{"a", "1"}, {"d", "4"}}));
}

TEST_F(entity_log_test, the_log_compacts_itself_and_keeps_exactly_the_map) {
    entity_log log(dir, fsync_policy::never);
    log.open();
    std::map<std::string, std::string> expected;
    const std::string big(1000, 'v');
    for (int round = 0; round < 3000; ++round) {
        const auto key = "checkpoint/" + std::to_string(round % 10);
        log.apply({{key, big + std::to_string(round)}});
        expected[key] = big + std::to_string(round);
    }
    EXPECT_LT(log.log_bytes(), 2u << 20) << "3 MB of changes to 10 keys of 1 KB";
    EXPECT_FALSE(fs::exists(dir / "metadata.log.new"));
    entity_log again(dir, fsync_policy::never);
    EXPECT_EQ(again.open(), expected);
    again.compact();
    entity_log third(dir, fsync_policy::never);
    EXPECT_EQ(third.open(), expected);
}

TEST_F(entity_log_test, damage_before_the_tail_is_refused) {
    {
        entity_log log(dir, fsync_policy::never);
        log.open();
        log.apply({{"a", "1"}});
        log.apply({{"b", "2"}});
    }
    const auto file = dir / "metadata.log";
    std::string bytes;
    {
        std::ifstream in(file, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    bytes[14] = static_cast<char>(bytes[14] ^ 1);  // inside the first record's payload
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
    entity_log log(dir, fsync_policy::never);
    EXPECT_THROW(log.open(), corrupt_file);
}

}  // namespace
