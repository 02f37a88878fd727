#include "persist/data_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <system_error>

namespace emu::persist {

namespace {

std::string reason(int error) {
    return std::generic_category().message(error);
}

[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& why) {
    throw unusable_dir("--data-dir " + path.string() + ": " + why);
}

}  // namespace

data_dir::data_dir(std::filesystem::path path) : path_(std::move(path)) {
    std::error_code ec;
    std::filesystem::create_directories(path_, ec);
    if (ec) refuse(path_, "cannot be created (" + ec.message() + ")");
    if (!std::filesystem::is_directory(path_, ec)) refuse(path_, "is not a directory");

    const auto lock_file = path_ / "lock";
    lock_fd_ = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0) refuse(path_, "cannot be written (" + reason(errno) + ")");
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        std::string holder;
        std::ifstream(lock_file) >> holder;
        ::close(lock_fd_);
        lock_fd_ = -1;
        if (error == EWOULDBLOCK)
            refuse(path_,
                   "is in use by another stream-emulator" + (holder.empty() ? "" : " (pid " + holder + ")"));
        refuse(path_, "cannot be locked (" + reason(error) + ")");
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(lock_fd_, 0) != 0 ||
        ::pwrite(lock_fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
        const int error = errno;
        ::close(lock_fd_);
        lock_fd_ = -1;
        refuse(path_, "cannot be written (" + reason(error) + ")");
    }

    bool others = false;
    for (const auto& entry : std::filesystem::directory_iterator(path_, ec)) {
        const auto name = entry.path().filename();
        if (name != "lock" && name != "FORMAT") others = true;
    }
    const auto format_file = path_ / "FORMAT";
    if (std::filesystem::exists(format_file)) {
        std::string line;
        std::getline(std::ifstream(format_file), line);
        if (line != data_format)
            refuse(path_, "holds data of another format (FORMAT says \"" + line + "\", this build reads \"" +
                              std::string(data_format) + "\")");
    } else if (others) {
        refuse(path_, "is not empty and has no FORMAT file: not a stream-emulator data directory");
    } else {
        const auto temp = path_ / "FORMAT.new";
        {
            std::ofstream out(temp, std::ios::trunc);
            out << data_format << "\n";
            out.flush();
            if (!out) refuse(path_, "cannot be written");
        }
        std::filesystem::rename(temp, format_file, ec);
        if (ec) refuse(path_, "cannot be written (" + ec.message() + ")");
    }
    fresh_ = !others;
}

data_dir::~data_dir() {
    if (lock_fd_ >= 0) ::close(lock_fd_);  // closing releases the lock; the file stays
}

}  // namespace emu::persist
