#include "persist/segment_log.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <stdexcept>
#include <system_error>

namespace emu::persist {

namespace {

constexpr std::size_t entry_header = 16;

// The first offset a segment's file name gives, if it is one of ours.
std::optional<std::int64_t> segment_name(const std::filesystem::path& file) {
    if (file.extension() != ".seg") return std::nullopt;
    const auto stem = file.stem().string();
    if (stem.size() != 20) return std::nullopt;
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(stem.data(), stem.data() + stem.size(), value);
    if (ec != std::errc() || end != stem.data() + stem.size() || value < 0) return std::nullopt;
    return value;
}

}  // namespace

segment_log::segment_log(std::filesystem::path dir, fsync_policy policy, std::uint64_t segment_bytes)
    : dir_(std::move(dir)), policy_(policy), segment_bytes_(segment_bytes) {}

segment_log::~segment_log() = default;

std::filesystem::path segment_log::path_of(std::int64_t first) const {
    char name[32];
    std::snprintf(name, sizeof name, "%020lld.seg", static_cast<long long>(first));
    return dir_ / name;
}

void segment_log::open_writer(std::int64_t first, std::uint64_t size) {
    writer_ = std::make_unique<framed_writer>(path_of(first), policy_, size);
}

recovered_log segment_log::open() {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) throw write_failed(dir_, ec.value());
    recovered_log out;
    segments_.clear();
    writer_.reset();

    const auto marker = dir_ / "start";
    std::optional<std::int64_t> marked;
    if (std::filesystem::exists(marker)) {
        const auto read = read_records(marker);
        if (read.records.size() != 1 || read.records[0].size() != 8 || read.torn)
            throw corrupt_file(marker, 0, "a start marker that is not one offset");
        marked = read_u64(read.records[0], 0);
        if (*marked < 0 || *marked > max_log_offset)
            throw corrupt_file(marker, 0, "a start marker out of range");
    }

    std::vector<std::int64_t> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
        if (const auto first = segment_name(entry.path())) names.push_back(*first);
    }
    std::sort(names.begin(), names.end());

    std::int64_t previous_last = -1;
    std::uint64_t last_size = 0;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto file = path_of(names[i]);
        const auto read = read_records(file);
        const bool last_segment = i + 1 == names.size();
        if (read.torn) {
            if (!last_segment)
                throw corrupt_file(file, read.intact_bytes,
                                   *read.torn + " in a segment that is not the last");
            out.cut.push_back(file.string() + ": " + *read.torn + " at offset " +
                              std::to_string(read.intact_bytes) + ", cut off");
        }
        if (read.records.empty()) {
            // Made, then nothing whole written into it: it goes (the next append makes it again).
            std::filesystem::remove(file);
            continue;
        }
        segment seg{names[i]};
        std::uint64_t at = 0;
        for (const auto& record : read.records) {
            if (record.size() < entry_header)
                throw corrupt_file(file, at, "an entry shorter than its header");
            log_entry e{read_u64(record, 0), read_u64(record, 8), record.substr(entry_header),
                        out.files.size()};
            if (e.first < 0 || e.last > max_log_offset)
                throw corrupt_file(file, at, "an entry's offsets out of range");
            if (e.last < e.first || e.first <= previous_last || (seg.last < 0 && e.first != seg.first))
                throw corrupt_file(file, at, "an entry out of offset order");
            previous_last = e.last;
            seg.last = e.last;
            if (!marked || e.last >= *marked) out.entries.push_back(e);
            at += frame_header_size + record.size();
        }
        segments_.push_back(seg);
        last_size = read.intact_bytes;
        out.files.push_back(read.bytes);
    }
    start_ = marked ? *marked : (segments_.empty() ? 0 : segments_.front().first);
    next_ = std::max(start_, previous_last + 1);
    out.start = start_;
    if (!segments_.empty()) open_writer(segments_.back().first, last_size);
    drop_below(start_);  // what a set_start cut short by a crash left
    return out;
}

void segment_log::append(std::int64_t first, std::int64_t last, std::string_view bytes) {
    if (first < next_ || last < first || last > max_log_offset)
        throw std::invalid_argument("entry " + std::to_string(first) + ".." + std::to_string(last) +
                                    " does not follow offset " + std::to_string(next_ - 1));
    char header[entry_header];
    put_u64(header, first);
    put_u64(header + 8, last);
    const std::string_view head(header, sizeof header);
    const bool fresh = !writer_ || writer_->size() >= segment_bytes_;
    if (fresh) {
        // The flusher syncs only the segment being written: a closed one reaches the disk now.
        if (writer_ && policy_ == fsync_policy::interval) writer_->sync();
        auto next = std::make_unique<framed_writer>(path_of(first), policy_);
        try {
            next->append_joined({head, bytes});
        } catch (const write_failed&) {
            next.reset();
            std::filesystem::remove(path_of(first));
            throw;
        }
        writer_ = std::move(next);
        segments_.push_back({first, last});
        if (policy_ == fsync_policy::always) sync_dir(dir_);
    } else {
        writer_->append_joined({head, bytes});
        segments_.back().last = last;
    }
    next_ = last + 1;
}

void segment_log::write_start(std::int64_t offset) {
    std::string value;
    append_u64(value, offset);
    replace_file(dir_ / "start", {value}, policy_);
    if (policy_ != fsync_policy::never) sync_dir(dir_);
}

void segment_log::set_start(std::int64_t offset) {
    if (offset <= start_) return;
    write_start(offset);
    start_ = offset;
    next_ = std::max(next_, offset);
    drop_below(offset);
}

void segment_log::drop_below(std::int64_t offset) {
    // A segment is all below the start when the next one begins at or before it, or, for the last one,
    // when its last entry is below it.
    std::size_t drop = 0;
    while (drop < segments_.size()) {
        const bool below =
            drop + 1 < segments_.size() ? segments_[drop + 1].first <= offset : segments_[drop].last < offset;
        if (!below) break;
        ++drop;
    }
    if (drop == segments_.size()) writer_.reset();
    for (std::size_t i = 0; i < drop; ++i) std::filesystem::remove(path_of(segments_[i].first));
    segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(drop));
    if (drop > 0 && policy_ == fsync_policy::always) sync_dir(dir_);
}

void segment_log::sync() {
    if (writer_) writer_->sync();
}

std::optional<pending_sync> segment_log::sync_later() {
    return writer_ ? writer_->sync_later() : std::nullopt;
}

}  // namespace emu::persist
