#include "state/record_log.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace emu::state {

namespace {

std::uint32_t checked_size(std::size_t size) {
    if (size >= std::numeric_limits<std::uint32_t>::max()) throw std::length_error("record too large");
    return static_cast<std::uint32_t>(size);
}

}  // namespace

record_log::record_log() = default;
record_log::~record_log() = default;
record_log::record_log(record_log&&) noexcept = default;
record_log& record_log::operator=(record_log&&) noexcept = default;

void record_log::append(std::int64_t timestamp, std::int64_t appended_ms, std::optional<std::string_view> key,
                        std::string_view value, std::string_view extra) {
    chunk::slot s;
    s.timestamp = timestamp;
    s.appended_ms = appended_ms;
    s.has_key = key.has_value();
    s.key_size = checked_size(key ? key->size() : 0);
    s.value_size = checked_size(value.size());
    s.extra_size = checked_size(extra.size());
    const std::size_t record_bytes = std::size_t{s.key_size} + s.value_size + s.extra_size;
    checked_size(record_bytes);

    const bool full = !chunks_.empty() && (chunks_.back()->slots.size() >= chunk_records ||
                                           chunks_.back()->bytes.size() + record_bytes > chunk_bytes);
    if (chunks_.empty() || full) {
        if (full) {  // sealed: give back the growth slack
            chunks_.back()->slots.shrink_to_fit();
            chunks_.back()->bytes.shrink_to_fit();
        }
        auto fresh = std::make_unique<chunk>();
        fresh->first = end_;
        chunks_.push_back(std::move(fresh));
    }
    chunk& c = *chunks_.back();
    s.begin = checked_size(c.bytes.size());
    if (key) c.bytes.append(*key);
    c.bytes.append(value);
    c.bytes.append(extra);
    c.slots.push_back(s);
    c.payload += s.payload();
    c.stored += s.stored();
    c.min_timestamp = std::min(c.min_timestamp, timestamp);
    c.max_timestamp = std::max(c.max_timestamp, timestamp);
    c.max_appended_ms = std::max(c.max_appended_ms, appended_ms);
    payload_ += s.payload();
    stored_ += s.stored();
    ++end_;
}

std::size_t record_log::chunk_index(std::int64_t number) const {
    // Appends and reads at the end are the common case.
    if (number >= chunks_.back()->first) return chunks_.size() - 1;
    const auto it =
        std::upper_bound(chunks_.begin(), chunks_.end(), number,
                         [](std::int64_t n, const std::unique_ptr<chunk>& c) { return n < c->first; });
    return static_cast<std::size_t>(it - chunks_.begin()) - 1;
}

log_entry record_log::entry(const chunk& c, std::size_t index) {
    const chunk::slot& s = c.slots[index];
    const std::string_view bytes(c.bytes);
    log_entry out;
    out.number = c.first + static_cast<std::int64_t>(index);
    out.timestamp = s.timestamp;
    out.appended_ms = s.appended_ms;
    if (s.has_key) out.key = bytes.substr(s.begin, s.key_size);
    out.value = bytes.substr(std::size_t{s.begin} + s.key_size, s.value_size);
    out.extra = bytes.substr(std::size_t{s.begin} + s.key_size + s.value_size, s.extra_size);
    return out;
}

log_entry record_log::at(std::int64_t number) const {
    const chunk& c = *chunks_[chunk_index(number)];
    return entry(c, static_cast<std::size_t>(number - c.first));
}

namespace {

// The first record from `from` on whose `field` is at least `bound` (`end` when none), starting with chunk
// `k`; chunks whose largest value of the field is below the bound are skipped whole.
template <std::int64_t record_log::chunk::*chunk_max, std::int64_t record_log::chunk::slot::*field>
std::int64_t first_at_least(const std::deque<std::unique_ptr<record_log::chunk>>& chunks, std::size_t k,
                            std::int64_t from, std::int64_t end, std::int64_t bound) {
    for (; k < chunks.size(); ++k) {
        const record_log::chunk& c = *chunks[k];
        if (c.*chunk_max >= bound) {
            for (auto i = static_cast<std::size_t>(from - c.first); i < c.slots.size(); ++i) {
                if (c.slots[i].*field >= bound) return c.first + static_cast<std::int64_t>(i);
            }
        }
        from = c.end();
    }
    return end;
}

}  // namespace

std::int64_t record_log::first_at_time(std::int64_t timestamp) const {
    return first_at_least<&chunk::max_timestamp, &chunk::slot::timestamp>(
        chunks_, empty() ? chunks_.size() : chunk_index(start_), start_, end_, timestamp);
}

std::int64_t record_log::first_appended_since(std::int64_t cutoff) const {
    return first_at_least<&chunk::max_appended_ms, &chunk::slot::appended_ms>(
        chunks_, empty() ? chunks_.size() : chunk_index(start_), start_, end_, cutoff);
}

record_log::released record_log::trim(std::int64_t new_start) {
    released out;
    new_start = std::clamp(new_start, start_, end_);
    if (new_start == start_) return out;
    while (!chunks_.empty() && chunks_.front()->end() <= new_start) {
        payload_ -= chunks_.front()->payload - front_dropped_payload_;
        stored_ -= chunks_.front()->stored - front_dropped_stored_;
        front_dropped_payload_ = front_dropped_stored_ = 0;
        out.push_back(std::move(chunks_.front()));
        chunks_.pop_front();
    }
    if (!chunks_.empty()) {
        // At most one chunk's worth of records: they stay in memory until their whole chunk goes.
        const chunk& c = *chunks_.front();
        for (std::int64_t n = std::max(start_, c.first); n < new_start; ++n) {
            const chunk::slot& dropped = c.slots[static_cast<std::size_t>(n - c.first)];
            front_dropped_payload_ += dropped.payload();
            payload_ -= dropped.payload();
            front_dropped_stored_ += dropped.stored();
            stored_ -= dropped.stored();
        }
    }
    start_ = new_start;
    return out;
}

record_log::released record_log::clear(std::int64_t new_start) {
    released out;
    out.reserve(chunks_.size());
    for (auto& c : chunks_) out.push_back(std::move(c));
    chunks_.clear();
    start_ = end_ = new_start;
    payload_ = stored_ = front_dropped_payload_ = front_dropped_stored_ = 0;
    return out;
}

}  // namespace emu::state
