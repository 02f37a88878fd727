// The data directory: made and marked when missing or empty, reopened when it is ours, refused (with its
// path in the message) when another process holds it, when it is of another format or not ours at all, and
// when it cannot be made.
#include "persist/data_dir.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace {

namespace fs = std::filesystem;
using emu::persist::data_dir;
using emu::persist::unusable_dir;

class data_dir_test : public ::testing::Test {
  protected:
    fs::path root;
    void SetUp() override {
        root = fs::temp_directory_path() / ("data-dir-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root);
    }
    void TearDown() override { fs::remove_all(root); }

    static std::string refusal(const fs::path& path) {
        try {
            data_dir d(path);
        } catch (const unusable_dir& e) {
            return e.what();
        }
        return "";
    }
};

TEST_F(data_dir_test, a_missing_directory_is_made_and_marked_and_opens_again) {
    const auto path = root / "a" / "b";
    {
        data_dir d(path);
        EXPECT_TRUE(d.fresh());
        std::string line;
        std::getline(std::ifstream(path / "FORMAT"), line);
        EXPECT_EQ(line, emu::persist::data_format);
        std::string pid;
        std::ifstream(path / "lock") >> pid;
        EXPECT_EQ(pid, std::to_string(::getpid()));
        std::ofstream(path / "state") << "x";
    }
    data_dir again(path);
    EXPECT_FALSE(again.fresh());
}

TEST_F(data_dir_test, a_second_holder_is_refused_in_this_process_and_in_another) {
    const auto path = root / "held";
    auto first = std::make_unique<data_dir>(path);
    const auto message = refusal(path);
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find("in use by another stream-emulator (pid " + std::to_string(::getpid()) + ")"),
              std::string::npos)
        << message;

    const pid_t child = ::fork();
    if (child == 0) _exit(refusal(path).empty() ? 1 : 0);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "another process was let in";

    first.reset();  // released: the next one gets it
    EXPECT_EQ(refusal(path), "");
}

TEST_F(data_dir_test, another_format_or_foreign_contents_are_refused_and_left_alone) {
    const auto other = root / "other";
    fs::create_directories(other);
    std::ofstream(other / "FORMAT") << "stream-emulator data 99\n";
    auto message = refusal(other);
    EXPECT_NE(message.find("another format"), std::string::npos) << message;
    EXPECT_NE(message.find(other.string()), std::string::npos) << message;
    std::string line;
    std::getline(std::ifstream(other / "FORMAT"), line);
    EXPECT_EQ(line, "stream-emulator data 99");

    const auto foreign = root / "foreign";
    fs::create_directories(foreign);
    std::ofstream(foreign / "notes.txt") << "mine";
    message = refusal(foreign);
    EXPECT_NE(message.find("not a stream-emulator data directory"), std::string::npos) << message;
    EXPECT_FALSE(fs::exists(foreign / "FORMAT"));
}

TEST_F(data_dir_test, a_path_that_cannot_be_a_directory_is_refused_with_its_name) {
    fs::create_directories(root);
    std::ofstream(root / "file") << "x";
    auto message = refusal(root / "file");
    EXPECT_NE(message.find((root / "file").string()), std::string::npos) << message;
    message = refusal(root / "file" / "below");
    EXPECT_NE(message.find("cannot be created"), std::string::npos) << message;
}

}  // namespace
