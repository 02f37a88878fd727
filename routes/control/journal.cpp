#include "routes/control/journal.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "routes/http/text.hpp"

namespace emu::routes::control {

namespace {

// Cuts `text` to at most `limit` bytes without splitting a UTF-8 sequence; true when something was cut.
bool truncate_to(std::string& text, std::size_t limit) {
    if (text.size() <= limit) return false;
    std::size_t end = limit;
    // Step back over continuation bytes so the cut lands on a character boundary.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    text.resize(end);
    return true;
}

std::string cut(std::string_view text, std::size_t limit) {
    std::string out(text.substr(0, std::min(text.size(), limit)));
    return out;
}

// Appends `text` as a JSON string, replacing bytes that are not valid UTF-8 with U+FFFD so the answer
// stays valid JSON whatever a client sent.
void write_utf8_lossy(json_writer& writer, std::string_view text) {
    std::string clean;
    clean.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = c < 0x80           ? 1
                             : (c >> 5) == 0x6  ? 2
                             : (c >> 4) == 0xE  ? 3
                             : (c >> 3) == 0x1E ? 4
                                                : 0;
        bool valid = length > 0 && i + length <= text.size();
        for (std::size_t k = 1; valid && k < length; ++k) {
            valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
        }
        if (valid && length == 2) valid = c >= 0xC2;  // no overlong forms
        if (valid && length == 3) {
            const auto c1 = static_cast<unsigned char>(text[i + 1]);
            valid = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);  // overlong, surrogates
        }
        if (valid && length == 4) {
            const auto c1 = static_cast<unsigned char>(text[i + 1]);
            valid = c <= 0xF4 && !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
        }
        if (valid) {
            clean.append(text.substr(i, length));
            i += length;
        } else {
            clean.append("\xEF\xBF\xBD");
            ++i;
        }
    }
    write_string(writer, clean);
}

}  // namespace

std::size_t journal_entry::bytes() const {
    std::size_t total = request_id.size() + operation.size() + method.size() + path.size() + query.size() +
                        project_id.size() + request_body.size() + response_body.size();
    for (const auto& [name, value] : headers) total += name.size() + value.size();
    return total;
}

bool journal_filter::matches(const journal_entry& entry) const {
    if (operation && entry.operation != *operation) return false;
    if (method && !iequals(entry.method, *method)) return false;
    if (path_prefix && !entry.path.starts_with(*path_prefix)) return false;
    if (status && entry.status != *status) return false;
    if (project_id && entry.project_id != *project_id) return false;
    if (since_ms && entry.time_ms < *since_ms) return false;
    return true;
}

void journal::configure(std::size_t capacity, std::size_t body_limit, state::clock_fn clock) {
    std::lock_guard lock(mutex_);
    capacity_ = capacity;
    body_limit_ = body_limit;
    clock_ = std::move(clock);
    ring_.assign(capacity, nullptr);
    next_ = size_ = bytes_ = 0;
}

std::size_t journal::max_entry_bytes() const {
    return 2 * body_limit_ + max_path_bytes + max_query_bytes + max_header_bytes + max_small_bytes;
}

void journal::record(const request_context& ctx, std::string_view operation, const response& answer,
                     std::uint64_t duration_us) {
    if (capacity_ == 0) return;
    auto entry = std::make_shared<journal_entry>();
    entry->time_ms = clock_();
    entry->request_id = cut(ctx.request_id, 64);
    entry->operation = cut(operation, 128);
    entry->method = cut(ctx.method, 32);
    entry->path = ctx.raw_path;
    truncate_to(entry->path, max_path_bytes);
    // The query and headers are kept as sent and redacted when an entry is written out: nothing leaves
    // the journal unredacted, and the request path does not pay for the name tests.
    entry->query = ctx.raw_query;
    truncate_to(entry->query, max_query_bytes);
    for (const auto& [key, value] : ctx.params) {
        if (key == "project_id") entry->project_id = cut(value, 256);
    }
    std::size_t header_bytes = 0;
    entry->headers.reserve(ctx.headers.size());
    for (const auto& [name, value] : ctx.headers) {
        header_bytes += name.size() + value.size();
        if (header_bytes > max_header_bytes) break;
        entry->headers.emplace_back(name, value);
    }
    entry->request_body = ctx.body.substr(0, std::min(ctx.body.size(), body_limit_ + 4));
    entry->request_body_truncated = truncate_to(entry->request_body, body_limit_);
    entry->response_body = answer.body.substr(0, std::min(answer.body.size(), body_limit_ + 4));
    entry->response_body_truncated = truncate_to(entry->response_body, body_limit_);
    entry->status = answer.drop ? 0 : answer.status;
    entry->duration_us = duration_us;
    entry->fault_id = answer.fault_id;
    const std::size_t added = entry->bytes();

    std::shared_ptr<const journal_entry> evicted;
    {
        std::lock_guard lock(mutex_);
        if (ring_.size() != capacity_) return;  // reconfigured meanwhile
        entry->seq = ++seq_;
        evicted = std::move(ring_[next_]);
        if (evicted) {
            bytes_ -= evicted->bytes();
        } else {
            ++size_;
        }
        bytes_ += added;
        ring_[next_] = std::move(entry);
        next_ = (next_ + 1) % capacity_;
    }
    // `evicted` is freed here, outside the lock.
}

std::vector<std::shared_ptr<const journal_entry>> journal::query(const journal_filter& filter) const {
    std::vector<std::shared_ptr<const journal_entry>> all;
    {
        std::lock_guard lock(mutex_);
        all.reserve(size_);
        const std::size_t oldest = size_ < capacity_ ? 0 : next_;
        for (std::size_t i = 0; i < size_; ++i) all.push_back(ring_[(oldest + i) % capacity_]);
    }
    std::vector<std::shared_ptr<const journal_entry>> out;
    for (auto& entry : all) {
        if (filter.matches(*entry)) out.push_back(std::move(entry));
    }
    if (filter.limit && out.size() > *filter.limit) {
        out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(*filter.limit));
    }
    return out;
}

void journal::clear() {
    std::vector<std::shared_ptr<const journal_entry>> dropped(capacity_);
    {
        std::lock_guard lock(mutex_);
        ring_.swap(dropped);
        next_ = size_ = bytes_ = 0;
    }
}

std::size_t journal::size() const {
    std::lock_guard lock(mutex_);
    return size_;
}

std::size_t journal::bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
}

std::uint64_t journal::recorded_total() const {
    std::lock_guard lock(mutex_);
    return seq_;
}

void write_journal_entry(json_writer& w, const journal_entry& e) {
    w.StartObject();
    w.Key("seq");
    w.Uint64(e.seq);
    w.Key("time");
    w.Int64(e.time_ms);
    w.Key("request_id");
    write_string(w, e.request_id);
    w.Key("operation");
    if (e.operation.empty()) {
        w.Null();
    } else {
        write_string(w, e.operation);
    }
    w.Key("method");
    write_utf8_lossy(w, e.method);
    w.Key("path");
    write_utf8_lossy(w, e.path);
    w.Key("query");
    write_utf8_lossy(w, redact_query(e.query, redacted_value));
    w.Key("project_id");
    if (e.project_id.empty()) {
        w.Null();
    } else {
        write_utf8_lossy(w, e.project_id);
    }
    // Repeated header names are joined with ", ", as HTTP allows.
    w.Key("headers");
    w.StartObject();
    for (std::size_t i = 0; i < e.headers.size(); ++i) {
        const auto& name = e.headers[i].first;
        bool seen = false;
        for (std::size_t j = 0; j < i && !seen; ++j) seen = iequals(e.headers[j].first, name);
        if (seen) continue;
        std::string value = e.headers[i].second;
        for (std::size_t j = i + 1; j < e.headers.size(); ++j) {
            if (iequals(e.headers[j].first, name)) value += ", " + e.headers[j].second;
        }
        write_utf8_lossy(w, name);
        write_utf8_lossy(w, is_secret_name(name) ? redacted_value : std::string_view(value));
    }
    w.EndObject();
    w.Key("request_body");
    write_utf8_lossy(w, e.request_body);
    w.Key("request_body_truncated");
    w.Bool(e.request_body_truncated);
    w.Key("status");
    w.Uint(e.status);
    w.Key("response_body");
    write_utf8_lossy(w, e.response_body);
    w.Key("response_body_truncated");
    w.Bool(e.response_body_truncated);
    w.Key("duration_us");
    w.Uint64(e.duration_us);
    w.Key("fault_id");
    if (e.fault_id == 0) {
        w.Null();
    } else {
        w.Uint64(e.fault_id);
    }
    w.EndObject();
}

}  // namespace emu::routes::control
