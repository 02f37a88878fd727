#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace emu::routes {

// The items [first, last) of one page of a list of `total` items.
struct list_window {
    std::int64_t first = 0;
    std::int64_t last = 0;

    std::int64_t size() const { return last - first; }
    template <typename T>
    std::span<const T> of(const std::vector<T>& items) const {
        return std::span<const T>(items).subspan(static_cast<std::size_t>(first),
                                                 static_cast<std::size_t>(size()));
    }
};

// The page that starts `offset` items in and holds at most `limit` items; offsets past the end give an
// empty page at the end. Written so that a limit of INT64_MAX ("no limit") cannot overflow.
inline list_window page_window(std::int64_t total, std::int64_t offset, std::int64_t limit) {
    const auto first = std::min(offset, total);
    return {first, first + std::min(limit, total - first)};
}

}  // namespace emu::routes
