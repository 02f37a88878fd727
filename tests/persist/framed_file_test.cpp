// Framed record files on real files: what is written reads back, a torn tail is found and cut, damage
// before the tail is refused with its file and offset, and a full file system leaves nothing half-written.
#include "persist/framed_file.hpp"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace emu::persist;

class framed_file_test : public ::testing::Test {
  protected:
    fs::path dir;
    void SetUp() override {
        dir = fs::temp_directory_path() / ("framed-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    void TearDown() override { fs::remove_all(dir); }

    static std::string contents(const fs::path& file) {
        std::ifstream in(file, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
    static void overwrite(const fs::path& file, const std::string& bytes) {
        std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
    }
};

TEST_F(framed_file_test, records_read_back_in_order_after_the_writer_is_gone) {
    const auto file = dir / "log";
    {
        framed_writer w(file, fsync_policy::always);
        w.append("first");
        w.append(std::string(100000, 'x'));
        w.append("");
        w.append(std::vector<std::string_view>{"a", "bc"});
        EXPECT_EQ(w.size(), fs::file_size(file));
    }
    const auto read = read_records(file);
    EXPECT_EQ(read.records,
              (std::vector<std::string_view>{"first", std::string(100000, 'x'), "", "a", "bc"}));
    EXPECT_EQ(read.intact_bytes, fs::file_size(file));
    EXPECT_FALSE(read.torn);
    EXPECT_TRUE(read_records(dir / "missing").records.empty());
}

TEST_F(framed_file_test, a_record_joined_from_parts_is_written_as_the_record_of_their_concatenation) {
    const auto joined = dir / "joined";
    const auto whole = dir / "whole";
    const std::string big(70000, 'b');  // larger than one page: writev crosses into the second part
    {
        framed_writer w(joined, fsync_policy::never);
        w.append_joined({"head|", "", big});
        w.append_joined({});
        w.append_joined({"a", "b", "c"});
        EXPECT_THROW(w.append_joined({"1", "2", "3", "4"}), std::invalid_argument);
        EXPECT_EQ(w.size(), fs::file_size(joined)) << "the refused record wrote nothing";
        framed_writer v(whole, fsync_policy::never);
        v.append("head|" + big);
        v.append("");
        v.append("abc");
    }
    EXPECT_EQ(contents(joined), contents(whole));
    EXPECT_EQ(read_records(joined).records, (std::vector<std::string_view>{"head|" + big, "", "abc"}));
}

TEST_F(framed_file_test, a_sync_taken_from_the_writer_is_taken_once_and_outlives_the_writer) {
    const auto file = dir / "log";
    std::optional<pending_sync> pending;
    {
        framed_writer w(file, fsync_policy::interval);
        EXPECT_FALSE(w.sync_later()) << "nothing written yet";
        w.append("one");
        pending = w.sync_later();
        ASSERT_TRUE(pending);
        EXPECT_FALSE(w.sync_later()) << "taken already";
        w.append("two");
        EXPECT_TRUE(w.sync_later()) << "written since";
        framed_writer a(dir / "always", fsync_policy::always);
        a.append("synced before append returns");
        EXPECT_FALSE(a.sync_later());
    }
    EXPECT_NO_THROW(pending->run());  // its own descriptor: the writer is gone
    EXPECT_EQ(read_records(file).records, (std::vector<std::string_view>{"one", "two"}));
}

TEST_F(framed_file_test, every_cut_of_the_last_record_is_a_torn_tail_and_is_cut_before_appending) {
    const auto file = dir / "log";
    {
        framed_writer w(file, fsync_policy::never);
        w.append("kept-1");
        w.append("kept-2");
        w.append("the record being written when the process died");
    }
    const auto whole = contents(file);
    const auto kept = frame_record("kept-1").size() + frame_record("kept-2").size();
    for (std::size_t cut = kept + 1; cut < whole.size(); ++cut) {
        overwrite(file, whole.substr(0, cut));
        const auto read = read_records(file);
        ASSERT_EQ(read.records.size(), 2u) << "cut at " << cut;
        EXPECT_EQ(read.intact_bytes, kept);
        EXPECT_TRUE(read.torn) << "cut at " << cut;
    }
    // Garbage where the last record was (a torn write of another kind) is a torn tail too.
    overwrite(file, whole.substr(0, kept) + std::string(40, '\0'));
    auto read = read_records(file);
    EXPECT_EQ(read.records.size(), 2u);
    ASSERT_TRUE(read.torn);

    // The writer opened at the intact size cuts the tail, and what it appends follows the kept records.
    {
        framed_writer w(file, fsync_policy::never, read.intact_bytes);
        w.append("after-restart");
    }
    read = read_records(file);
    EXPECT_EQ(read.records, (std::vector<std::string_view>{"kept-1", "kept-2", "after-restart"}));
    EXPECT_FALSE(read.torn);
}

TEST_F(framed_file_test, damage_before_the_tail_is_refused_with_its_file_and_offset) {
    const auto file = dir / "log";
    {
        framed_writer w(file, fsync_policy::never);
        for (int i = 0; i < 5; ++i) w.append("record-" + std::to_string(i));
    }
    const auto whole = contents(file);
    const auto frame = frame_record("record-0").size();
    // Every single-byte change inside records 1 to 3 (header or payload) is found, at record's offset.
    for (std::size_t at = frame; at < 4 * frame; ++at) {
        auto bad = whole;
        bad[at] = static_cast<char>(bad[at] ^ 0x20);
        overwrite(file, bad);
        try {
            read_records(file);
            ADD_FAILURE() << "a change at " << at << " was not found";
        } catch (const corrupt_file& e) {
            EXPECT_EQ(e.offset(), at / frame * frame) << "change at " << at;
            EXPECT_EQ(e.file(), file);
            EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("offset " + std::to_string(at / frame * frame)),
                      std::string::npos)
                << e.what();
        }
    }
}

TEST_F(framed_file_test, a_full_file_system_fails_the_write_and_keeps_only_whole_records) {
    ASSERT_EQ(::geteuid(), 0u) << "mounting the small file system needs root (CI runs as root)";
    const auto mnt = dir / "small";
    fs::create_directories(mnt);
    ASSERT_EQ(::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=64k"), 0) << std::strerror(errno);
    struct unmount {
        fs::path at;
        ~unmount() { ::umount(at.c_str()); }
    } guard{mnt};

    const auto file = mnt / "log";
    framed_writer w(file, fsync_policy::always);
    const std::string payload(10000, 'p');
    int written = 0;
    int error = 0;
    for (int i = 0; i < 100 && error == 0; ++i) {
        try {
            w.append(payload);
            ++written;
        } catch (const write_failed& e) {
            error = e.error();
        }
    }
    EXPECT_EQ(error, ENOSPC);
    EXPECT_GT(written, 0);
    EXPECT_EQ(fs::file_size(file), w.size()) << "the failed write left nothing behind";
    const auto read = read_records(file);
    EXPECT_EQ(read.records.size(), static_cast<std::size_t>(written));
    EXPECT_FALSE(read.torn);
    // A smaller record still fits where the large one did not.
    w.append("small");
    EXPECT_EQ(read_records(file).records.size(), static_cast<std::size_t>(written + 1));
}

TEST_F(framed_file_test, a_writer_killed_mid_stream_keeps_every_record_it_acknowledged_in_order) {
    const auto file = dir / "log";
    int acks[2];
    ASSERT_EQ(::pipe(acks), 0);
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(acks[0]);
        framed_writer w(file, fsync_policy::never);
        for (std::uint32_t i = 0;; ++i) {
            w.append("record-" + std::to_string(i) + std::string(i % 300, 'x'));
            if (::write(acks[1], &i, sizeof i) != sizeof i) _exit(1);  // acknowledged once it returned
        }
    }
    ::close(acks[1]);
    std::uint32_t acked = 0;
    std::uint32_t got = 0;
    std::int64_t count = 0;
    while (count < 5000 && ::read(acks[0], &got, sizeof got) == sizeof got) {
        acked = got;
        ++count;
    }
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    while (::read(acks[0], &got, sizeof got) == sizeof got) acked = got;
    ::close(acks[0]);
    ASSERT_TRUE(WIFSIGNALED(status));

    const auto read = read_records(file);
    ASSERT_GE(read.records.size(), static_cast<std::size_t>(acked) + 1)
        << "an acknowledged record is missing";
    EXPECT_LE(read.records.size(), static_cast<std::size_t>(acked) + 2) << "more than the one in flight";
    for (std::size_t i = 0; i < read.records.size(); ++i)
        ASSERT_EQ(read.records[i], "record-" + std::to_string(i) + std::string(i % 300, 'x')) << i;
}

}  // namespace
