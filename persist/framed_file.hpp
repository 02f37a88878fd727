#pragma once

// Files of framed records, the unit of everything --data-dir keeps: each record is written as
//
//   u32 payload length | u32 CRC-32 of the payload | u32 CRC-32 of the 8 bytes before | payload
//
// (little-endian; CRC-32 as zlib computes it), in one writev(2). A crash can leave only the last record
// incomplete or damaged, so reading tells the two apart: a damaged record after which no intact record
// follows is a torn tail (the caller cuts it off), one that an intact record follows is corruption (the
// caller refuses to start), named by file and offset.
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct iovec;

namespace emu::persist {

inline constexpr std::size_t frame_header_size = 12;
// No record is larger: a length beyond it is damage, never an allocation.
inline constexpr std::uint32_t max_record_size = 64u << 20;

// When an append also reaches the disk itself (fdatasync), beyond the file.
enum class fsync_policy { always, interval, never };

// A file that cannot be read as framed records: damage before its tail.
class corrupt_file : public std::runtime_error {
  public:
    corrupt_file(std::filesystem::path file, std::uint64_t offset, const std::string& what);
    const std::filesystem::path& file() const { return file_; }
    std::uint64_t offset() const { return offset_; }

  private:
    std::filesystem::path file_;
    std::uint64_t offset_;
};

// A write or sync the file system refused (a full disk, an I/O error): nothing of it stays in the file.
class write_failed : public std::runtime_error {
  public:
    write_failed(const std::filesystem::path& file, int error);
    int error() const { return error_; }  // errno, e.g. ENOSPC

  private:
    int error_;
};

// A file's contents as read_records mapped them (read-only), kept while a copy of `data` is held.
struct mapped_bytes {
    std::shared_ptr<const char> data;
    std::size_t size = 0;
    // Takes the pages out of the process's resident memory: they stay in the page cache, and a read maps
    // them in again. For contents kept to be read rarely (restored batches waiting for a Fetch).
    void drop_resident() const;
};

struct scanned_file {
    // Holds the file's contents when read_records read them: the records point into them (from
    // scan_records, into the caller's bytes).
    mapped_bytes bytes;
    std::vector<std::string_view> records;  // in file order
    std::uint64_t intact_bytes = 0;         // the length of the records above: where a torn tail starts
    std::optional<std::string> torn;  // why the bytes after intact_bytes are a torn tail, if there are any
};

// Reads every record of `bytes` (the contents of `file`, which names it in errors). Throws corrupt_file for
// damage before the tail.
scanned_file scan_records(std::string_view bytes, const std::filesystem::path& file);

// Reads the file and its records (scan_records); a missing file has none. The file is mapped, not copied.
scanned_file read_records(const std::filesystem::path& file);

// The frame of one record, as append writes it.
std::string frame_record(std::string_view payload);

// The little-endian integers of every persist format.
void append_u32(std::string& out, std::uint32_t value);
void append_u64(std::string& out, std::int64_t value);
void put_u32(char* out, std::uint32_t value);                    // out[0, 4)
void put_u64(char* out, std::int64_t value);                     // out[0, 8)
std::uint32_t read_u32(std::string_view bytes, std::size_t at);  // bytes[at, at + 4) must exist
std::int64_t read_u64(std::string_view bytes, std::size_t at);   // bytes[at, at + 8) must exist

// Makes a rename or unlink in `dir` durable (fsync of the directory); throws write_failed.
void sync_dir(const std::filesystem::path& dir);

// Writes `payloads` as the framed records of a new `file`, through `file`.new renamed over it, so that
// `file` is the old one or the new one whole, never a part; synced first unless `policy` is never. The
// caller syncs the directory when the rename must be durable.
void replace_file(const std::filesystem::path& file, const std::vector<std::string>& payloads,
                  fsync_policy policy);

// A sync of a file, taken from its writer to be run later without the lock that guards the writer (the
// flusher's round), so that appends go on while the disk works. Holds a duplicate of the descriptor.
class pending_sync {
  public:
    pending_sync(int fd, std::filesystem::path file) : fd_(fd), file_(std::move(file)) {}
    ~pending_sync();
    pending_sync(pending_sync&& other) noexcept;
    pending_sync& operator=(pending_sync&& other) noexcept;
    pending_sync(const pending_sync&) = delete;
    pending_sync& operator=(const pending_sync&) = delete;
    // fdatasync; throws write_failed.
    void run();

  private:
    int fd_;
    std::filesystem::path file_;
};

// Appends records to a file, creating it. Not thread-safe: one writer per file, its caller serialises.
class framed_writer {
  public:
    // Opens `file` for appending at `size` (the intact bytes a scan found: anything after is cut off).
    framed_writer(std::filesystem::path file, fsync_policy policy, std::uint64_t size = 0);
    ~framed_writer();
    framed_writer(const framed_writer&) = delete;
    framed_writer& operator=(const framed_writer&) = delete;

    // Writes the records, all or none (a failed write is cut off again and throws write_failed); with
    // fsync_policy::always they are also synced before it returns.
    void append(std::string_view payload) { append_joined({payload}); }
    void append(const std::vector<std::string_view>& payloads);
    // Writes one record whose payload is `parts` one after the other (at most 3), gathered by writev(2)
    // without joining them first.
    void append_joined(std::initializer_list<std::string_view> parts);
    // fdatasync, when something was written since the last one.
    void sync();
    // The same sync to run later (pending_sync), when something was written since the last one; the writer
    // counts it as done.
    std::optional<pending_sync> sync_later();
    std::uint64_t size() const { return size_; }
    const std::filesystem::path& file() const { return file_; }

  private:
    // Writes the `count` buffers of `iov` (`total` bytes) whole, going on where a partial write stopped; a
    // failed write is cut off again and throws write_failed. Moves the iovecs it has written past.
    void write_gathered(iovec* iov, std::size_t count, std::size_t total);
    // After a write of `bytes`: the sync of fsync_policy::always, then the new size.
    void written(std::size_t bytes);
    // The file back to its size before the write that failed: nothing half-written stays.
    void cut_back();

    std::filesystem::path file_;
    fsync_policy policy_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
    bool dirty_ = false;
};

}  // namespace emu::persist
