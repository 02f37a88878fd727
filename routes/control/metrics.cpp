#include "routes/control/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "kafka/protocol/names.hpp"

namespace emu::routes::control {

namespace {

constexpr auto relaxed = std::memory_order_relaxed;

std::string seconds(std::uint64_t micros) {
    return fmt::format("{}", static_cast<double>(micros) / 1e6);
}

}  // namespace

void append_label_value(std::string& out, std::string_view value) {
    for (const char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out.push_back(c);
        }
    }
}

metrics::metrics() : names_{"unknown"}, slots_(std::make_unique<operation_slot[]>(max_operations)) {}

std::size_t metrics::register_operation(const std::string& operation) {
    const auto it = std::find(names_.begin() + 1, names_.end(), operation);
    if (it != names_.end()) return static_cast<std::size_t>(it - names_.begin());
    // A table larger than the slots shares the unknown slot rather than failing.
    if (names_.size() >= max_operations) return unknown_slot;
    names_.push_back(operation);
    return names_.size() - 1;
}

void metrics::observe(std::size_t slot, unsigned status, std::uint64_t duration_us) {
    auto& s = slots_[slot < max_operations ? slot : unknown_slot];
    bool counted = false;
    for (auto& entry : s.statuses) {
        unsigned seen = entry.status.load(relaxed);
        if (seen == 0) {
            // Claim the free slot; if another thread claimed it first, `seen` is its status.
            if (entry.status.compare_exchange_strong(seen, status, relaxed)) seen = status;
        }
        if (seen == status) {
            entry.count.fetch_add(1, relaxed);
            counted = true;
            break;
        }
    }
    if (!counted) s.other_status.fetch_add(1, relaxed);
    const auto bucket = std::lower_bound(bucket_bounds_us.begin(), bucket_bounds_us.end(), duration_us);
    if (bucket == bucket_bounds_us.end()) {
        s.slower.fetch_add(1, relaxed);
    } else {
        s.buckets[static_cast<std::size_t>(bucket - bucket_bounds_us.begin())].fetch_add(1, relaxed);
    }
    s.sum_us.fetch_add(duration_us, relaxed);
    s.count.fetch_add(1, relaxed);
}

void metrics::render(std::string& out) const {
    out +=
        "# HELP stream_emulator_requests_total Cloud API requests answered, by SDK operation and HTTP status "
        "(status 0: connection dropped by a fault rule; operation unknown: no route matched).\n";
    out += "# TYPE stream_emulator_requests_total counter\n";
    for (std::size_t i = 0; i < names_.size(); ++i) {
        const auto& s = slots_[i];
        std::vector<std::pair<unsigned, std::uint64_t>> rows;
        for (const auto& entry : s.statuses) {
            const unsigned status = entry.status.load(relaxed);
            const std::uint64_t count = entry.count.load(relaxed);
            if (status != 0 && count > 0) rows.emplace_back(status, count);
        }
        std::sort(rows.begin(), rows.end());
        for (const auto& [status, count] : rows) {
            out += "stream_emulator_requests_total{operation=\"";
            append_label_value(out, names_[i]);
            out += fmt::format("\",status=\"{}\"}} {}\n", status, count);
        }
        if (const auto other = s.other_status.load(relaxed); other > 0) {
            out += "stream_emulator_requests_total{operation=\"";
            append_label_value(out, names_[i]);
            out += fmt::format("\",status=\"other\"}} {}\n", other);
        }
    }
    out +=
        "# HELP stream_emulator_request_duration_seconds Time to handle a cloud API request, from the "
        "request "
        "read to the answer built (injected delays not included).\n";
    out += "# TYPE stream_emulator_request_duration_seconds histogram\n";
    for (std::size_t i = 0; i < names_.size(); ++i) {
        const auto& s = slots_[i];
        const std::uint64_t count = s.count.load(relaxed);
        if (count == 0) continue;
        std::string label = "operation=\"";
        append_label_value(label, names_[i]);
        label += "\"";
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b < bucket_bounds_us.size(); ++b) {
            cumulative += s.buckets[b].load(relaxed);
            out += fmt::format("stream_emulator_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", label,
                               seconds(bucket_bounds_us[b]), cumulative);
        }
        cumulative += s.slower.load(relaxed);
        // Counters are read one by one while requests go on; +Inf must not fall below the finite buckets.
        out += fmt::format("stream_emulator_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", label,
                           std::max(cumulative, count));
        out += fmt::format("stream_emulator_request_duration_seconds_sum{{{}}} {}\n", label,
                           seconds(s.sum_us.load(relaxed)));
        out += fmt::format("stream_emulator_request_duration_seconds_count{{{}}} {}\n", label,
                           std::max(cumulative, count));
    }
}

void kafka_metrics::connection_opened() {
    open_.fetch_add(1, relaxed);
    opened_.fetch_add(1, relaxed);
}

void kafka_metrics::connection_closed() {
    open_.fetch_sub(1, relaxed);
}

void kafka_metrics::observe(std::int16_t api_key, std::span<const std::int16_t> errors) {
    const auto index = api_key >= 0 && static_cast<std::size_t>(api_key) < api_slots
                           ? static_cast<std::size_t>(api_key)
                           : api_slots;
    auto& slot = apis_[index];
    slot.requests.fetch_add(1, relaxed);
    for (const std::int16_t code : errors) {
        bool counted = false;
        for (auto& entry : slot.errors) {
            std::int32_t seen = entry.code.load(relaxed);
            if (seen == free_code && entry.code.compare_exchange_strong(seen, code, relaxed)) seen = code;
            if (seen == code) {
                entry.count.fetch_add(1, relaxed);
                counted = true;
                break;
            }
        }
        if (!counted) slot.other_errors.fetch_add(1, relaxed);
    }
}

void kafka_metrics::render(std::string& out) const {
    const auto api_label = [](std::size_t index) {
        if (index == api_slots) return std::string("other");
        const auto name = kafka::protocol::api_name(static_cast<std::int16_t>(index));
        return name ? std::string(*name) : std::to_string(index);
    };
    out +=
        "# HELP stream_emulator_kafka_requests_total Kafka requests served by the instances' listeners, by "
        "API (requests a listener cannot parse close the connection and are not counted).\n";
    out += "# TYPE stream_emulator_kafka_requests_total counter\n";
    for (std::size_t i = 0; i <= api_slots; ++i) {
        if (const auto n = apis_[i].requests.load(relaxed); n > 0) {
            out += fmt::format("stream_emulator_kafka_requests_total{{api=\"{}\"}} {}\n", api_label(i), n);
        }
    }
    out +=
        "# HELP stream_emulator_kafka_errors_total Error codes in the Kafka listeners' answers, by API and "
        "error, one per error field (partition, topic or top level).\n";
    out += "# TYPE stream_emulator_kafka_errors_total counter\n";
    for (std::size_t i = 0; i <= api_slots; ++i) {
        std::vector<std::pair<std::int32_t, std::uint64_t>> rows;
        for (const auto& entry : apis_[i].errors) {
            const auto code = entry.code.load(relaxed);
            const auto count = entry.count.load(relaxed);
            if (code != free_code && count > 0) rows.emplace_back(code, count);
        }
        std::sort(rows.begin(), rows.end());
        for (const auto& [code, count] : rows) {
            const auto name = kafka::protocol::error_name(static_cast<std::int16_t>(code));
            out += fmt::format("stream_emulator_kafka_errors_total{{api=\"{}\",error=\"{}\"}} {}\n",
                               api_label(i), name ? std::string(*name) : std::to_string(code), count);
        }
        if (const auto other = apis_[i].other_errors.load(relaxed); other > 0) {
            out += fmt::format("stream_emulator_kafka_errors_total{{api=\"{}\",error=\"other\"}} {}\n",
                               api_label(i), other);
        }
    }
    out += "# HELP stream_emulator_kafka_connections Kafka connections open on the instances' listeners.\n";
    out += "# TYPE stream_emulator_kafka_connections gauge\n";
    out +=
        fmt::format("stream_emulator_kafka_connections {}\n", std::max<std::int64_t>(open_.load(relaxed), 0));
    out += "# HELP stream_emulator_kafka_connections_total Kafka connections accepted.\n";
    out += "# TYPE stream_emulator_kafka_connections_total counter\n";
    out += fmt::format("stream_emulator_kafka_connections_total {}\n", opened_.load(relaxed));
}

}  // namespace emu::routes::control
