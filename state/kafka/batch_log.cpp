#include "state/kafka/batch_log.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>

#include "kafka/protocol/record_batch.hpp"

namespace emu::state {

namespace protocol = kafka::protocol;

namespace {

// The header of a batch to append, checked as append says.
protocol::batch_header checked_header(const batch_log::incoming& batch) {
    if (batch.bytes.size() >= std::numeric_limits<std::uint32_t>::max()) {
        throw std::length_error("record batch too large");
    }
    protocol::batch_header h = protocol::read_header(batch.bytes);
    if (h.records_count <= 0) throw std::invalid_argument("batch_log: a batch without records");
    return h;
}

// Its slot at `base_offset`, but for where its bytes begin.
batch_log::slot slot_of(const batch_log::incoming& batch, const protocol::batch_header& h,
                        std::int64_t base_offset, std::int64_t appended_ms, bool log_append_time) {
    batch_log::slot s;
    s.base_offset = base_offset;
    s.records = h.last_offset_delta + 1;
    s.first_timestamp = log_append_time ? appended_ms : batch.first_timestamp;
    s.last_timestamp = log_append_time ? appended_ms : batch.last_timestamp;
    s.max_timestamp = log_append_time ? appended_ms : h.max_timestamp;
    s.appended_ms = appended_ms;
    s.size = static_cast<std::uint32_t>(batch.bytes.size());
    return s;
}

}  // namespace

batch_log::batch_log() = default;
batch_log::~batch_log() = default;
batch_log::batch_log(batch_log&&) noexcept = default;
batch_log& batch_log::operator=(batch_log&&) noexcept = default;

std::int64_t batch_log::last_timestamp() const {
    return empty() ? 0 : chunks_.back()->slots.back().last_timestamp;
}

void batch_log::add(chunk& c, const slot& s) {
    c.slots.push_back(s);
    c.max_timestamp = std::max(c.max_timestamp, s.max_timestamp);
    c.max_appended_ms = std::max(c.max_appended_ms, s.appended_ms);
    if (empty()) start_timestamp_ = s.first_timestamp;
    stored_ += s.size;
    end_ = s.end();
}

std::int64_t batch_log::append(const incoming& batch, std::int64_t appended_ms, bool log_append_time) {
    slot s = slot_of(batch, checked_header(batch), end_, appended_ms, log_append_time);
    const bool full = !chunks_.empty() && (chunks_.back()->slots.size() >= chunk_batches ||
                                           chunks_.back()->used + s.size > chunks_.back()->capacity);
    if (chunks_.empty() || full) {
        // Sealed: the slots' growth slack goes back. The bytes' slack was never touched, so it is not
        // resident; shrinking it would move the bytes (readers may hold them) and copy them again.
        if (full) chunks_.back()->slots.shrink_to_fit();
        chunks_.push_back(std::make_shared<chunk>(std::max<std::size_t>(chunk_bytes, s.size)));
    }
    chunk& c = *chunks_.back();
    s.begin = static_cast<std::uint32_t>(c.used);
    std::memcpy(c.owned.get() + c.used, batch.bytes.data(), s.size);
    c.used += s.size;
    // Patched in place, as a broker does: the offsets it assigns, its leader epoch, LogAppendTime.
    const std::span<char> stored(c.owned.get() + s.begin, s.size);
    protocol::set_base_offset(stored, s.base_offset);
    protocol::set_partition_leader_epoch(stored, 0);
    if (log_append_time) protocol::set_log_append_time(stored, appended_ms);
    add(c, s);
    return s.base_offset;
}

std::int64_t batch_log::append_kept(const incoming& batch, std::int64_t appended_ms,
                                    const std::shared_ptr<const void>& keeper) {
    const protocol::batch_header h = checked_header(batch);
    if (h.base_offset != end_ || h.partition_leader_epoch != 0)
        throw std::invalid_argument("batch_log: a kept batch not stored at this log's end");
    const char* at = batch.bytes.data();
    // Where `at` lies from a chunk's first byte, when it lies at or after it.
    const auto distance = [at](const chunk& c) -> std::optional<std::uintptr_t> {
        const auto from = reinterpret_cast<std::uintptr_t>(c.data);
        const auto to = reinterpret_cast<std::uintptr_t>(at);
        return to >= from ? std::optional(to - from) : std::nullopt;
    };
    // A chunk per run of batches in the same kept memory, each beginning within 4 GiB of the run's first.
    std::optional<std::uintptr_t> begin;
    if (!chunks_.empty() && chunks_.back()->keeper && chunks_.back()->keeper == keeper &&
        chunks_.back()->slots.size() < chunk_batches) {
        begin = distance(*chunks_.back());
        if (begin && *begin >= std::numeric_limits<std::uint32_t>::max()) begin.reset();
    }
    if (!begin) {
        if (!chunks_.empty()) chunks_.back()->slots.shrink_to_fit();
        chunks_.push_back(std::make_shared<chunk>(at, keeper));
        begin = 0;
    }
    slot s = slot_of(batch, h, end_, appended_ms, false);
    s.begin = static_cast<std::uint32_t>(*begin);
    chunk& c = *chunks_.back();
    add(c, s);
    return s.base_offset;
}

std::size_t batch_log::chunk_index(std::int64_t offset) const {
    // Appends and reads at the end are the common case.
    if (offset >= chunks_.back()->first()) return chunks_.size() - 1;
    const auto it =
        std::upper_bound(chunks_.begin(), chunks_.end(), offset,
                         [](std::int64_t n, const std::shared_ptr<chunk>& c) { return n < c->first(); });
    return static_cast<std::size_t>(it - chunks_.begin()) - 1;
}

std::size_t batch_log::slot_index(const chunk& c, std::int64_t offset) {
    const auto it = std::upper_bound(c.slots.begin(), c.slots.end(), offset,
                                     [](std::int64_t n, const slot& s) { return n < s.base_offset; });
    return static_cast<std::size_t>(it - c.slots.begin()) - 1;
}

std::int64_t batch_log::timestamp_at(std::int64_t offset) const {
    const chunk& c = *chunks_[chunk_index(offset)];
    const slot& s = c.slots[slot_index(c, offset)];
    if (offset == s.base_offset) return s.first_timestamp;
    if (offset == s.end() - 1) return s.last_timestamp;
    const std::string_view bytes = c.batch(s);
    std::int64_t found = s.first_timestamp;
    protocol::visit_records({protocol::read_header(bytes), bytes}, decode_limit,
                            [&](const protocol::record_view& r) {
                                if (r.offset == offset) found = r.timestamp;
                            });
    return found;
}

std::int64_t batch_log::first_at_time(std::int64_t timestamp) const {
    std::int64_t found = end_;
    scan(start_, [&](const slot& s, std::string_view bytes) {
        if (s.max_timestamp < timestamp) return true;
        // This batch holds a record at or past `timestamp`; it may lie below the log start.
        protocol::visit_records({protocol::read_header(bytes), bytes}, decode_limit,
                                [&](const protocol::record_view& r) {
                                    if (found == end_ && r.offset >= start_ && r.timestamp >= timestamp) {
                                        found = r.offset;
                                    }
                                });
        return found == end_;
    });
    return found;
}

std::int64_t batch_log::first_appended_since(std::int64_t cutoff) const {
    if (empty()) return end_;
    for (std::size_t k = chunk_index(start_); k < chunks_.size(); ++k) {
        const chunk& c = *chunks_[k];
        if (c.max_appended_ms < cutoff) continue;
        for (std::size_t i = start_ > c.first() ? slot_index(c, start_) : 0; i < c.slots.size(); ++i) {
            if (c.slots[i].appended_ms >= cutoff) return std::max(c.slots[i].base_offset, start_);
        }
    }
    return end_;
}

batch_log::released batch_log::trim(std::int64_t new_start) {
    released out;
    new_start = std::clamp(new_start, start_, end_);
    if (new_start == start_) return out;
    // The batches that now hold no retained record stop counting; whole chunks of them go.
    for (std::size_t k = chunk_index(start_); k < chunks_.size(); ++k) {
        const chunk& c = *chunks_[k];
        for (std::size_t i = start_ > c.first() ? slot_index(c, start_) : 0; i < c.slots.size(); ++i) {
            const slot& s = c.slots[i];
            if (s.end() > new_start) break;
            stored_ -= s.size;
        }
        if (c.end() > new_start) break;
    }
    while (!chunks_.empty() && chunks_.front()->end() <= new_start) {
        out.push_back(std::move(chunks_.front()));
        chunks_.pop_front();
    }
    start_ = new_start;
    if (!empty()) start_timestamp_ = timestamp_at(start_);
    return out;
}

batch_log::released batch_log::clear(std::int64_t new_start) {
    released out;
    out.reserve(chunks_.size());
    for (auto& c : chunks_) out.push_back(std::move(c));
    chunks_.clear();
    start_ = end_ = new_start;
    stored_ = start_timestamp_ = 0;
    return out;
}

}  // namespace emu::state
