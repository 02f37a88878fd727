// A log of segment files on real files: entries read back across segments and restarts, the start moved
// by dropping whole segments, torn tails cut only in the last segment, and a start move cut short by a
// crash finished at the next open.
#include "persist/segment_log.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace emu::persist;

class segment_log_test : public ::testing::Test {
  protected:
    fs::path dir;
    void SetUp() override {
        dir = fs::temp_directory_path() / ("segments-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir);
    }
    void TearDown() override { fs::remove_all(dir); }

    // Entries of 10 offsets each, 100 bytes of payload, segments of about three entries.
    static void fill(segment_log& log, std::int64_t from, int entries) {
        for (int i = 0; i < entries; ++i) {
            const std::int64_t first = from + 10 * i;
            log.append(first, first + 9, std::string(100, static_cast<char>('a' + (first / 10) % 26)));
        }
    }
    std::vector<std::string> segment_files() const {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(dir))
            if (e.path().extension() == ".seg") out.push_back(e.path().filename().string());
        std::sort(out.begin(), out.end());
        return out;
    }
    static std::vector<std::int64_t> firsts(const recovered_log& r) {
        std::vector<std::int64_t> out;
        for (const auto& e : r.entries) out.push_back(e.first);
        return out;
    }
};

constexpr std::uint64_t small_segments = 350;

TEST_F(segment_log_test, entries_come_back_across_segments_and_restarts) {
    {
        segment_log log(dir, fsync_policy::never, small_segments);
        const auto empty = log.open();
        EXPECT_TRUE(empty.entries.empty());
        EXPECT_EQ(empty.start, 0);
        fill(log, 0, 10);
        EXPECT_EQ(log.segments(), 4u);
    }
    EXPECT_EQ(segment_files(),
              (std::vector<std::string>{"00000000000000000000.seg", "00000000000000000030.seg",
                                        "00000000000000000060.seg", "00000000000000000090.seg"}));
    segment_log log(dir, fsync_policy::never, small_segments);
    auto r = log.open();
    EXPECT_EQ(firsts(r), (std::vector<std::int64_t>{0, 10, 20, 30, 40, 50, 60, 70, 80, 90}));
    EXPECT_EQ(r.entries[3].last, 39);
    EXPECT_EQ(r.entries[3].bytes, std::string(100, 'd'));
    EXPECT_TRUE(r.cut.empty());
    fill(log, 100, 2);
    segment_log again(dir, fsync_policy::never, small_segments);
    EXPECT_EQ(again.open().entries.size(), 12u);
}

TEST_F(segment_log_test, an_entry_out_of_order_is_refused_and_changes_nothing) {
    segment_log log(dir, fsync_policy::never, small_segments);
    log.open();
    fill(log, 0, 2);
    EXPECT_THROW(log.append(15, 30, "x"), std::invalid_argument);
    EXPECT_THROW(log.append(25, 24, "x"), std::invalid_argument);
    log.append(20, 29, "next");
    segment_log again(dir, fsync_policy::never, small_segments);
    EXPECT_EQ(firsts(again.open()), (std::vector<std::int64_t>{0, 10, 20}));
}

TEST_F(segment_log_test, moving_the_start_drops_whole_segments_and_keeps_the_one_it_falls_in) {
    segment_log log(dir, fsync_policy::always, small_segments);
    log.open();
    fill(log, 0, 10);
    log.set_start(45);  // inside the entry 40..49, in the segment from 30
    EXPECT_EQ(segment_files().front(), "00000000000000000030.seg");
    EXPECT_EQ(log.segments(), 3u);
    log.set_start(20);  // never back
    EXPECT_EQ(log.start(), 45);

    segment_log again(dir, fsync_policy::always, small_segments);
    const auto r = again.open();
    EXPECT_EQ(r.start, 45);
    EXPECT_EQ(firsts(r), (std::vector<std::int64_t>{40, 50, 60, 70, 80, 90})) << "40..49 straddles the start";

    again.set_start(100);  // the whole log
    EXPECT_TRUE(segment_files().empty());
    EXPECT_THROW(again.append(90, 99, "x"), std::invalid_argument);
    again.append(100, 109, "after");
    segment_log third(dir, fsync_policy::always, small_segments);
    const auto t = third.open();
    EXPECT_EQ(t.start, 100);
    EXPECT_EQ(firsts(t), (std::vector<std::int64_t>{100}));
}

TEST_F(segment_log_test, a_torn_tail_of_the_last_segment_is_cut_and_named) {
    {
        segment_log log(dir, fsync_policy::never, small_segments);
        log.open();
        fill(log, 0, 5);
    }
    const auto last = dir / "00000000000000000030.seg";
    const auto size = fs::file_size(last);
    fs::resize_file(last, size - 7);
    segment_log log(dir, fsync_policy::never, small_segments);
    const auto r = log.open();
    EXPECT_EQ(firsts(r), (std::vector<std::int64_t>{0, 10, 20, 30}));
    ASSERT_EQ(r.cut.size(), 1u);
    EXPECT_NE(r.cut[0].find(last.string()), std::string::npos) << r.cut[0];
    EXPECT_NE(r.cut[0].find("at offset " + std::to_string(size - 128)), std::string::npos) << r.cut[0];
    log.append(40, 49, "again");
    segment_log again(dir, fsync_policy::never, small_segments);
    const auto a = again.open();
    EXPECT_EQ(firsts(a), (std::vector<std::int64_t>{0, 10, 20, 30, 40}));
    EXPECT_EQ(a.entries.back().bytes, "again");
    EXPECT_TRUE(a.cut.empty());
}

TEST_F(segment_log_test, a_torn_segment_before_the_last_is_corruption) {
    {
        segment_log log(dir, fsync_policy::never, small_segments);
        log.open();
        fill(log, 0, 5);
    }
    const auto first = dir / "00000000000000000000.seg";
    fs::resize_file(first, fs::file_size(first) - 3);
    segment_log log(dir, fsync_policy::never, small_segments);
    try {
        log.open();
        FAIL() << "opened";
    } catch (const corrupt_file& e) {
        EXPECT_EQ(e.file(), first);
        EXPECT_NE(std::string(e.what()).find("not the last"), std::string::npos) << e.what();
    }
}

TEST_F(segment_log_test, a_start_move_cut_short_by_a_crash_is_finished_at_open) {
    {
        segment_log log(dir, fsync_policy::never, small_segments);
        log.open();
        fill(log, 0, 10);
    }
    const auto first = dir / "00000000000000000000.seg";
    const auto kept = dir / "kept-copy";
    fs::copy_file(first, kept);
    {
        segment_log log(dir, fsync_policy::never, small_segments);
        log.open();
        log.set_start(60);
    }
    fs::rename(kept, first);  // as if the process died after the marker, before the unlink
    segment_log log(dir, fsync_policy::never, small_segments);
    const auto r = log.open();
    EXPECT_EQ(r.start, 60);
    EXPECT_EQ(firsts(r), (std::vector<std::int64_t>{60, 70, 80, 90}));
    EXPECT_EQ(segment_files().front(), "00000000000000000060.seg");
}

}  // namespace
