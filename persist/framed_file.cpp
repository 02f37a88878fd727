#include "persist/framed_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zlib.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

namespace emu::persist {

namespace {

std::uint32_t crc_of(std::string_view bytes) {
    return static_cast<std::uint32_t>(
        crc32_z(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<z_size_t>(bytes.size())));
}

// What is wrong with the record at `at`, or nothing if it is intact; `length` is its payload's.
std::optional<std::string> check_frame(std::string_view bytes, std::size_t at, std::uint32_t& length) {
    const std::size_t left = bytes.size() - at;
    if (left < frame_header_size) return "an incomplete record header";
    if (read_u32(bytes, at + 8) != crc_of(bytes.substr(at, 8))) return "a record header whose checksum fails";
    length = read_u32(bytes, at);
    if (length > max_record_size) return "a record length beyond the limit";
    if (left - frame_header_size < length) return "a record cut short";
    if (read_u32(bytes, at + 4) != crc_of(bytes.substr(at + frame_header_size, length)))
        return "a record whose checksum fails";
    return std::nullopt;
}

}  // namespace

corrupt_file::corrupt_file(std::filesystem::path file, std::uint64_t offset, const std::string& what)
    : std::runtime_error(file.string() + ": " + what + " at offset " + std::to_string(offset) +
                         ", before intact records: the file is damaged"),
      file_(std::move(file)),
      offset_(offset) {}

write_failed::write_failed(const std::filesystem::path& file, int error)
    : std::runtime_error(file.string() + ": " + std::generic_category().message(error)), error_(error) {}

void append_u32(std::string& out, std::uint32_t value) {
    char bytes[4];
    put_u32(bytes, value);
    out.append(bytes, sizeof bytes);
}

void append_u64(std::string& out, std::int64_t value) {
    char bytes[8];
    put_u64(bytes, value);
    out.append(bytes, sizeof bytes);
}

void put_u32(char* out, std::uint32_t value) {
    for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xff);
}

void put_u64(char* out, std::int64_t value) {
    const auto v = static_cast<std::uint64_t>(value);
    for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

std::uint32_t read_u32(std::string_view bytes, std::size_t at) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
        v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
    return v;
}

std::int64_t read_u64(std::string_view bytes, std::size_t at) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
    return static_cast<std::int64_t>(v);
}

void sync_dir(const std::filesystem::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw write_failed(dir, errno);
    const int rc = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    if (rc != 0) throw write_failed(dir, error);
}

void replace_file(const std::filesystem::path& file, const std::vector<std::string>& payloads,
                  fsync_policy policy) {
    auto temp = file;
    temp += ".new";
    {
        framed_writer w(temp, fsync_policy::never);
        for (const auto& p : payloads) w.append(p);
        if (policy != fsync_policy::never) w.sync();
    }
    std::error_code ec;
    std::filesystem::rename(temp, file, ec);
    if (ec) throw write_failed(file, ec.value());
}

std::string frame_record(std::string_view payload) {
    std::string out;
    out.reserve(frame_header_size + payload.size());
    append_u32(out, static_cast<std::uint32_t>(payload.size()));
    append_u32(out, crc_of(payload));
    append_u32(out, crc_of(out));
    out.append(payload);
    return out;
}

scanned_file scan_records(std::string_view bytes, const std::filesystem::path& file) {
    scanned_file out;
    std::size_t at = 0;
    while (at < bytes.size()) {
        std::uint32_t length = 0;
        const auto damage = check_frame(bytes, at, length);
        if (!damage) {
            out.records.emplace_back(bytes.substr(at + frame_header_size, length));
            at += frame_header_size + length;
            continue;
        }
        // Damage: a torn tail only if no intact record starts anywhere after it.
        for (std::size_t next = at + 1; next + frame_header_size <= bytes.size(); ++next) {
            std::uint32_t ignored = 0;
            if (!check_frame(bytes, next, ignored)) throw corrupt_file(file, at, *damage);
        }
        out.torn = *damage;
        break;
    }
    out.intact_bytes = at;
    return out;
}

scanned_file read_records(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return {};
        throw std::runtime_error(file.string() + ": cannot be read: " + std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int error = errno;
        ::close(fd);
        throw std::runtime_error(file.string() + ": cannot be read: " + std::strerror(error));
    }
    const auto size = static_cast<std::size_t>(st.st_size);
    if (size == 0) {
        ::close(fd);
        return {};
    }
    void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    const int error = errno;
    ::close(fd);
    if (mapped == MAP_FAILED)
        throw std::runtime_error(file.string() + ": cannot be read: " + std::strerror(error));
    std::shared_ptr<const char> bytes(static_cast<const char*>(mapped),
                                      [size](const char* p) { ::munmap(const_cast<char*>(p), size); });
    auto out = scan_records(std::string_view(bytes.get(), size), file);
    out.bytes = {std::move(bytes), size};
    return out;
}

void mapped_bytes::drop_resident() const {
    // A private read-only mapping of a file has no pages of its own: dropped, they are read again from
    // the file (the page cache) when touched. The mapping starts on a page.
    if (data && size > 0) ::madvise(const_cast<char*>(data.get()), size, MADV_DONTNEED);
}

framed_writer::framed_writer(std::filesystem::path file, fsync_policy policy, std::uint64_t size)
    : file_(std::move(file)), policy_(policy), size_(size) {
    fd_ = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw write_failed(file_, errno);
    // Whatever lies beyond the intact records (a torn tail) goes before anything is appended.
    if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0 ||
        ::lseek(fd_, static_cast<off_t>(size_), SEEK_SET) < 0) {
        const int error = errno;
        ::close(fd_);
        throw write_failed(file_, error);
    }
}

framed_writer::~framed_writer() {
    if (fd_ >= 0) ::close(fd_);
}

void framed_writer::cut_back() {
    if (::ftruncate(fd_, static_cast<off_t>(size_)) == 0) ::lseek(fd_, static_cast<off_t>(size_), SEEK_SET);
}

void framed_writer::written(std::size_t bytes) {
    if (policy_ == fsync_policy::always && ::fdatasync(fd_) != 0) {
        const int error = errno;
        cut_back();
        throw write_failed(file_, error);
    }
    size_ += bytes;
    dirty_ = policy_ != fsync_policy::always;
}

void framed_writer::append_joined(std::initializer_list<std::string_view> parts) {
    constexpr std::size_t max_parts = 3;
    if (parts.size() > max_parts) throw std::invalid_argument("a record of more than 3 parts");
    std::size_t length = 0;
    uLong crc = 0;
    for (const auto part : parts) {
        length += part.size();
        crc = crc32_z(crc, reinterpret_cast<const Bytef*>(part.data()), static_cast<z_size_t>(part.size()));
    }
    if (length > max_record_size) throw std::invalid_argument("a record beyond the size limit");
    char header[frame_header_size];
    put_u32(header, static_cast<std::uint32_t>(length));
    put_u32(header + 4, static_cast<std::uint32_t>(crc));
    put_u32(header + 8, crc_of(std::string_view(header, 8)));
    std::array<iovec, 1 + max_parts> iov{};
    std::size_t count = 0;
    iov[count++] = {header, sizeof header};
    for (const auto part : parts) {
        if (!part.empty()) iov[count++] = {const_cast<char*>(part.data()), part.size()};
    }
    write_gathered(iov.data(), count, sizeof header + length);
}

void framed_writer::write_gathered(iovec* iov, std::size_t count, std::size_t total) {
    std::size_t done = 0;
    std::size_t first = 0;  // the iovec the next write starts in
    while (done < total) {
        const auto n = ::writev(fd_, iov + first, static_cast<int>(count - first));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int error = n < 0 ? errno : ENOSPC;
            cut_back();
            throw write_failed(file_, error);
        }
        done += static_cast<std::size_t>(n);
        // Past what was written: whole iovecs, then into the one it stopped in.
        auto left = static_cast<std::size_t>(n);
        while (first < count && left >= iov[first].iov_len) left -= iov[first++].iov_len;
        if (left > 0) {
            iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + left;
            iov[first].iov_len -= left;
        }
    }
    written(total);
}

void framed_writer::append(const std::vector<std::string_view>& payloads) {
    std::string bytes;
    for (const auto p : payloads) bytes += frame_record(p);
    iovec whole{bytes.data(), bytes.size()};
    write_gathered(&whole, 1, bytes.size());
}

void framed_writer::sync() {
    if (!dirty_) return;
    if (::fdatasync(fd_) != 0) throw write_failed(file_, errno);
    dirty_ = false;
}

std::optional<pending_sync> framed_writer::sync_later() {
    if (!dirty_) return std::nullopt;
    const int fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) throw write_failed(file_, errno);
    dirty_ = false;
    return std::optional<pending_sync>(std::in_place, fd, file_);
}

pending_sync::~pending_sync() {
    if (fd_ >= 0) ::close(fd_);
}

pending_sync::pending_sync(pending_sync&& other) noexcept : fd_(other.fd_), file_(std::move(other.file_)) {
    other.fd_ = -1;
}

pending_sync& pending_sync::operator=(pending_sync&& other) noexcept {
    std::swap(fd_, other.fd_);  // ours closes with other
    std::swap(file_, other.file_);
    return *this;
}

void pending_sync::run() {
    if (::fdatasync(fd_) != 0) throw write_failed(file_, errno);
}

}  // namespace emu::persist
