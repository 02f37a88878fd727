#pragma once

// The directory --data-dir names: made if missing, marked with its format, and held by one process.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace emu::persist {

// The first line of DIR/FORMAT; a directory of another format is refused, never rewritten.
inline constexpr std::string_view data_format = "stream-emulator data 1";

// Why a directory cannot be used; the message names it.
class unusable_dir : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class data_dir {
  public:
    // Creates the directory (and its parents) if missing, checks it is writable and of this format (an
    // empty one is marked), and locks DIR/lock. Throws unusable_dir, also when another process holds it.
    explicit data_dir(std::filesystem::path path);
    ~data_dir();
    data_dir(const data_dir&) = delete;
    data_dir& operator=(const data_dir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    // Whether it held no state when opened (only its FORMAT and lock files, if any).
    bool fresh() const { return fresh_; }

  private:
    std::filesystem::path path_;
    int lock_fd_ = -1;
    bool fresh_ = false;
};

}  // namespace emu::persist
