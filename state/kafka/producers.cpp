#include "state/kafka/producers.hpp"

#include <algorithm>

namespace emu::state {

void producer_registry::forget_expired_locked(std::int64_t now_ms) {
    std::erase_if(entries_, [&](const auto& entry) { return now_ms - entry.second.last_ms > expiry_ms; });
}

void producer_registry::record(const producer_sighting& seen, std::int64_t now_ms) {
    std::lock_guard lock(mutex_);
    const key k{seen.topic, seen.partition, seen.address};
    const auto it = entries_.find(k);
    if (it != entries_.end()) {
        it->second.seen = seen;
        it->second.last_ms = now_ms;
        return;
    }
    // A new entry: the scan for what to drop runs only here, not on every produce.
    forget_expired_locked(now_ms);
    if (entries_.size() >= capacity) {
        const auto oldest = std::min_element(
            entries_.begin(), entries_.end(),
            [](const auto& a, const auto& b) { return a.second.last_ms < b.second.last_ms; });
        entries_.erase(oldest);
    }
    entries_.emplace(k, producer_entry{seen, now_ms, now_ms});
}

std::vector<producer_entry> producer_registry::of_topic(const std::string& topic, std::int64_t now_ms) const {
    std::vector<producer_entry> out;
    {
        std::lock_guard lock(mutex_);
        for (auto it = entries_.lower_bound(key{topic, INT32_MIN, std::string()});
             it != entries_.end() && std::get<0>(it->first) == topic; ++it) {
            if (now_ms - it->second.last_ms <= expiry_ms) out.push_back(it->second);
        }
    }
    std::sort(out.begin(), out.end(), [](const producer_entry& a, const producer_entry& b) {
        return std::tie(a.first_ms, a.seen.address, a.seen.partition) <
               std::tie(b.first_ms, b.seen.address, b.seen.partition);
    });
    return out;
}

std::size_t producer_registry::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

}  // namespace emu::state
