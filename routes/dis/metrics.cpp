#include "routes/dis/metrics.hpp"

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "routes/dis/common.hpp"
#include "routes/http/json.hpp"
#include "routes/http/validation.hpp"

namespace emu::routes::dis {

namespace {

using value_of = std::function<std::int64_t(const state::dis_traffic_point&)>;
using label_table = std::vector<std::pair<std::string_view, value_of>>;

constexpr std::int64_t ms_per_second = 1000;
constexpr std::int64_t us_per_ms = 1000;

// Average latency in ms over the minute's requests.
std::int64_t average_ms(std::int64_t total_us, std::int64_t requests) {
    return requests == 0 ? 0 : total_us / requests / us_per_ms;
}

// The emulator throttles nothing, so the traffic-control labels are 0 at every minute with traffic.
const label_table& stream_labels() {
    static const label_table table{
        {"total_put_bytes_per_stream", [](const auto& p) { return p.put_bytes; }},
        {"total_get_bytes_per_stream", [](const auto& p) { return p.get_bytes; }},
        {"total_put_records_per_stream", [](const auto& p) { return p.put_records; }},
        {"total_get_records_per_stream", [](const auto& p) { return p.get_records; }},
        {"total_put_req_latency", [](const auto& p) { return average_ms(p.put_latency_us, p.put_requests); }},
        {"total_get_req_latency", [](const auto& p) { return average_ms(p.get_latency_us, p.get_requests); }},
        {"total_put_req_suc_per_stream", [](const auto& p) { return p.put_requests; }},
        {"total_get_req_suc_per_stream", [](const auto& p) { return p.get_requests; }},
        {"traffic_control_put", [](const auto&) { return std::int64_t{0}; }},
        {"traffic_control_get", [](const auto&) { return std::int64_t{0}; }},
    };
    return table;
}

const label_table& partition_labels() {
    static const label_table table{
        {"total_put_bytes_per_partition", [](const auto& p) { return p.put_bytes; }},
        {"total_get_bytes_per_partition", [](const auto& p) { return p.get_bytes; }},
        {"total_put_records_per_partition", [](const auto& p) { return p.put_records; }},
        {"total_get_records_per_partition", [](const auto& p) { return p.get_records; }},
    };
    return table;
}

struct metrics_query {
    std::vector<std::pair<std::string, value_of>> labels;
    bool listed = false;  // asked with label_list: the answer has metrics_list too
    std::int64_t from_ms = 0;
    std::int64_t to_ms = 0;
};

// A 10-digit timestamp (seconds); anything else is DIS.4203.
std::int64_t seconds_param(const request_context& ctx, std::string_view name) {
    const std::string* text = ctx.query_param(name);
    if (text == nullptr) throw dis_invalid_request(std::string(name) + ": is required");
    const auto value = parse_int64(*text);
    if (!value || *value < 0 || *value > INT64_MAX / ms_per_second)
        throw dis_error("DIS.4203", {std::string(name) + " " + *text});
    return *value;
}

// label_list wins over label (API reference); one of them is required. An unknown label is DIS.4209. The
// period runs from start_time to end_time, at most 7 days (DIS.4204).
metrics_query parse_query(const request_context& ctx, const label_table& table) {
    metrics_query query;
    std::vector<std::string> names;
    if (const std::string* list = ctx.query_param("label_list"); list != nullptr && !list->empty()) {
        query.listed = true;
        for (std::size_t start = 0;;) {
            const auto comma = list->find(',', start);
            names.push_back(
                list->substr(start, comma == std::string::npos ? std::string::npos : comma - start));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    } else if (const std::string* label = ctx.query_param("label"); label != nullptr && !label->empty()) {
        names.push_back(*label);
    } else {
        throw dis_invalid_request("label: either label or label_list is required");
    }
    for (auto& name : names) {
        const auto it =
            std::find_if(table.begin(), table.end(), [&](const auto& row) { return row.first == name; });
        if (it == table.end()) throw dis_error("DIS.4209", {name});
        query.labels.emplace_back(std::move(name), it->second);
    }
    const auto start = seconds_param(ctx, "start_time");
    const auto end = seconds_param(ctx, "end_time");
    if (start > end) throw dis_error("DIS.4203", {"start_time is after end_time"});
    if ((end - start) * ms_per_second > state::traffic_window_ms) throw dis_error("DIS.4204");
    query.from_ms = start * ms_per_second;
    query.to_ms = end * ms_per_second;
    return query;
}

void write_metrics(json_object& o, const std::vector<state::dis_traffic_point>& points,
                   const std::string& label, const value_of& value) {
    o.array("dataPoints", points, [&](json_object& point, const state::dis_traffic_point& p) {
        point.field("timestamp", p.timestamp).field("value", value(p));
    });
    o.field("label", label);
}

// Metrics {dataPoints, label} for the first label; with label_list, metrics_list has one per label.
response metrics_answer(const metrics_query& query, const std::vector<state::dis_traffic_point>& points) {
    return json_response(200, [&](json_object& o) {
        o.object("metrics", [&](json_object& m) {
            write_metrics(m, points, query.labels.front().first, query.labels.front().second);
        });
        if (!query.listed) return;
        o.array("metrics_list", query.labels, [&](json_object& m, const auto& label) {
            write_metrics(m, points, label.first, label.second);
        });
    });
}

}  // namespace

response show_stream_metrics(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto query = parse_query(ctx, stream_labels());
    return metrics_answer(query, st.dis.stream_traffic(ctx.param("project_id"), ctx.param("stream_name"),
                                                       query.from_ms, query.to_ms));
}

response show_partition_metrics(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto partition = required_partition(ctx.param("partition_id"));
    const auto query = parse_query(ctx, partition_labels());
    return metrics_answer(query, st.dis.partition_traffic(ctx.param("project_id"), ctx.param("stream_name"),
                                                          partition, query.from_ms, query.to_ms));
}

}  // namespace emu::routes::dis
