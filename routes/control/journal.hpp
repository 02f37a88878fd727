#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routes/http/json.hpp"
#include "routes/http/request.hpp"
#include "state/clock.hpp"

namespace emu::routes::control {

// One cloud-API exchange as the journal keeps it, bodies cut at the body limit. Query and header values
// are kept as sent; write_journal_entry redacts the secret-looking ones, so they never leave unredacted.
struct journal_entry {
    std::uint64_t seq = 0;  // 1, 2, ... in recording order; survives clear()
    std::int64_t time_ms = 0;
    std::string request_id;
    std::string operation;  // empty: no route matched
    std::string method;
    std::string path;   // as sent, percent-encoded
    std::string query;  // as sent, percent-encoded
    std::string project_id;
    string_pairs headers;  // as received
    std::string request_body;
    bool request_body_truncated = false;
    std::string response_body;
    bool response_body_truncated = false;
    unsigned status = 0;  // 0: the connection was dropped without an answer
    std::uint64_t duration_us = 0;
    std::uint64_t fault_id = 0;

    // Bytes held by this entry's variable parts (what the journal's bound is counted in).
    std::size_t bytes() const;
};

struct journal_filter {
    std::optional<std::string> operation;
    std::optional<std::string> method;  // compared case-insensitively
    std::optional<std::string> path_prefix;
    std::optional<unsigned> status;
    std::optional<std::string> project_id;
    std::optional<std::int64_t> since_ms;  // entries recorded at or after this time
    std::optional<std::size_t> limit;      // the newest `limit` matches

    bool matches(const journal_entry& entry) const;
};

// The bounded ring of recent cloud-API exchanges. Recording takes the lock only to swap one pointer in;
// entries are built before and freed after it, and readers copy pointers, so a large GET never holds
// recording up.
class journal {
  public:
    // Upper bounds of what one entry keeps besides its bodies; a longer path, query or header set is cut.
    static constexpr std::size_t max_path_bytes = 8 * 1024;
    static constexpr std::size_t max_query_bytes = 8 * 1024;
    static constexpr std::size_t max_header_bytes = 16 * 1024;  // names and values together
    static constexpr std::size_t max_small_bytes = 512;         // request id, operation, method, project id

    // Not thread-safe against recording: call before the server starts.
    void configure(std::size_t capacity, std::size_t body_limit,
                   state::clock_fn clock = state::system_now_ms);

    bool enabled() const { return capacity_ > 0; }
    std::size_t capacity() const { return capacity_; }
    std::size_t body_limit() const { return body_limit_; }
    // The most bytes() one entry can hold with the current limits.
    std::size_t max_entry_bytes() const;

    // Builds the entry (copies, truncation) outside the lock and stores it, evicting the oldest.
    void record(const request_context& ctx, std::string_view operation, const response& answer,
                std::uint64_t duration_us);

    // Matching entries, oldest first (newest last).
    std::vector<std::shared_ptr<const journal_entry>> query(const journal_filter& filter) const;
    void clear();

    std::size_t size() const;
    std::size_t bytes() const;
    std::uint64_t recorded_total() const;

  private:
    std::size_t capacity_ = 0;
    std::size_t body_limit_ = 4096;
    state::clock_fn clock_ = state::system_now_ms;

    mutable std::mutex mutex_;                                // guards everything below
    std::vector<std::shared_ptr<const journal_entry>> ring_;  // capacity_ slots once configured
    std::size_t next_ = 0;                                    // slot the next entry goes to
    std::size_t size_ = 0;
    std::size_t bytes_ = 0;
    std::uint64_t seq_ = 0;
};

// What the journal shows of a secret-looking header or query value (is_secret_name, request.hpp).
inline constexpr std::string_view redacted_value = "[REDACTED]";

// The entry as JSON: secret-looking values redacted, text made valid UTF-8.
void write_journal_entry(json_writer& writer, const journal_entry& entry);

}  // namespace emu::routes::control
