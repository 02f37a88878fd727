#include "routes/dms/messages.hpp"

#include <algorithm>
#include <tuple>

#include "kafka/protocol/error_codes.hpp"
#include "routes/dms/query.hpp"
#include "routes/http/json.hpp"
#include "routes/http/paging.hpp"
#include "routes/http/validation.hpp"

namespace emu::routes::dms {

namespace {

using kafka_error = kafka::protocol::error_code;
using kafka::protocol::number;

// DeleteRecords results carry Kafka protocol error codes (reference §9 Q1-Q3).

constexpr std::int64_t default_message_page = 10;
constexpr std::int64_t max_message_page = 50;
constexpr std::size_t max_keyword = 50;
constexpr std::size_t max_body_keywords = 20;
constexpr std::size_t key_scan_limit = 10'000;  // ShowInstanceMessages by key: messages scanned ...
constexpr std::size_t key_match_limit = 10;     // ... and matches returned

std::int64_t message_size(const state::kafka_message& message) {
    return static_cast<std::int64_t>(message.value.size() + message.key.value_or("").size());
}

std::vector<std::string> split_keywords(const std::string* text) {
    std::vector<std::string> out;
    if (text == nullptr) return out;
    std::size_t start = 0;
    while (start <= text->size()) {
        const auto comma = std::min(text->find(',', start), text->size());
        if (comma > start) out.push_back(text->substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

bool contains(const std::string& text, const std::string& word) {
    return text.find(word) != std::string::npos;
}

// Oldest first (ties by partition and offset), or newest first.
void sort_by_time(std::vector<state::stored_message>& messages, bool ascending) {
    std::stable_sort(messages.begin(), messages.end(), [ascending](const auto& a, const auto& b) {
        const auto ka = std::tuple(a.message.timestamp, a.partition, a.message.offset);
        const auto kb = std::tuple(b.message.timestamp, b.partition, b.message.offset);
        return ascending ? ka < kb : kb < ka;
    });
}

// One MessagesEntity. `offset_key` is "message_offset", or "offset" for keyword searches (reference §6.2).
void write_message_entity(json_object& o, const std::string& topic, const state::stored_message& stored,
                          bool with_content, const char* offset_key = "message_offset") {
    const auto& message = stored.message;
    o.field("topic", topic).field("partition", stored.partition).field(offset_key, message.offset);
    if (with_content) o.field("key", message.key.value_or("")).field("value", message.value);
    o.field("size", message_size(message)).field("timestamp", message.timestamp).field("huge_message", false);
}

std::vector<state::delete_records_entry> parse_delete_entries(std::string_view body) {
    const auto document = parse_json_object(body, service::dms);
    const json_fields fields(document, service::dms);
    std::vector<state::delete_records_entry> entries;
    const auto* partitions = fields.opt_array("partitions");
    if (partitions == nullptr) return entries;
    entries.reserve(partitions->Size());
    for (rapidjson::SizeType i = 0; i < partitions->Size(); ++i) {
        const std::string path = "partitions[" + std::to_string(i) + "]";
        const auto& item = (*partitions)[i];
        if (!item.IsObject()) throw dms_invalid_parameter(path);
        const json_fields entry(item, service::dms, path);
        const auto partition = entry.req_int("partition", INT32_MIN, INT32_MAX);
        const auto offset = entry.req_int("offset", INT64_MIN, INT64_MAX);
        entries.push_back({static_cast<std::int32_t>(partition), offset});
    }
    return entries;
}

int kafka_error_code(state::delete_records_status status) {
    switch (status) {
        case state::delete_records_status::success:
            return number(kafka_error::none);
        case state::delete_records_status::offset_out_of_range:
            return number(kafka_error::offset_out_of_range);
        case state::delete_records_status::unknown_partition:
            return number(kafka_error::unknown_topic_or_partition);
    }
    return number(kafka_error::unknown_topic_or_partition);
}

void write_delete_result(json_object& o, const state::delete_records_result& result) {
    const bool ok = result.status == state::delete_records_status::success;
    o.field("partition", result.partition)
        .field("result", ok ? "success" : "failed")
        .field("error_code", kafka_error_code(result.status));
}

std::int32_t path_partition(const request_context& ctx) {
    const auto partition = parse_int64(ctx.param("partition"));
    if (!partition || *partition < 0 || *partition > INT32_MAX) throw dms_invalid_parameter("partition");
    return static_cast<std::int32_t>(*partition);
}

response position_answer(const request_context& ctx, std::int32_t partition, std::int64_t offset,
                         std::int64_t timestamp) {
    return json_response(200, [&](json_object& o) {
        o.field("topic", ctx.param("topic")).field("partition", partition).field("offset", offset);
        o.field("timestamp", timestamp);
    });
}

}  // namespace

response delete_kafka_topic_messages(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto entries = parse_delete_entries(ctx.body);
    const auto results = st.kafka.running_cluster(ctx.param("project_id"), ctx.param("instance_id"))
                             ->delete_records(ctx.param("topic"), entries);

    return json_response(200, [&](json_object& o) { o.array("partitions", results, write_delete_result); });
}

response send_kafka_message(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const std::string* action = ctx.query_param("action_id");
    if (action == nullptr || *action != "send") throw dms_invalid_parameter("action_id");

    const auto document = parse_json_object(ctx.body, service::dms);
    const json_fields fields(document, service::dms);
    state::produce_request request;
    request.topic = fields.req_string("topic");
    request.value = fields.req_string("body");
    if (const auto* properties = fields.opt_array("property_list")) {
        for (rapidjson::SizeType i = 0; i < properties->Size(); ++i) {
            const std::string path = "property_list[" + std::to_string(i) + "]";
            if (!(*properties)[i].IsObject()) throw dms_invalid_parameter(path);
            const json_fields property((*properties)[i], service::dms, path);
            const auto name = property.req_string("name");
            auto value = property.req_string("value");
            if (name == "KEY") {
                request.key = std::move(value);
            } else if (name == "PARTITION") {
                const auto partition = parse_int64(value);
                if (!partition || *partition < 0 || *partition > INT32_MAX)
                    throw dms_invalid_parameter("PARTITION");
                request.partition = static_cast<std::int32_t>(*partition);
            } else {
                request.headers.emplace_back(name, std::move(value));
            }
        }
    }
    st.kafka.running_cluster(ctx.param("project_id"), ctx.param("instance_id"))->produce(request);

    return json_response(200, [&](json_object& o) {
        o.field("topic", request.topic).field("body", request.value).empty_array("property_list");
    });
}

// Modes, in order of precedence: by time (start_time/end_time; offsets without content), by key or
// keyword (content), by partition and message_offset (that message with its content).
response show_instance_messages(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const std::string* topic = query_text(ctx, "topic");
    if (topic == nullptr) throw dms_invalid_parameter("topic");
    const bool ascending = query_bool(ctx, "asc").value_or(true);
    query_bool(ctx, "download");
    const auto start_time = query_int(ctx, "start_time", 0, INT64_MAX);
    const auto end_time = query_int(ctx, "end_time", 0, INT64_MAX);
    const auto limit = query_int(ctx, "limit", default_message_page, 1, max_message_page);
    const auto page = query_int(ctx, "offset", 0, 0, INT32_MAX);
    const auto partition = query_int(ctx, "partition", 0, INT32_MAX);
    const auto message_offset = query_int(ctx, "message_offset", 0, INT64_MAX);
    const std::string* keyword = query_text(ctx, "keyword");
    if (keyword != nullptr && utf8_length(*keyword) > max_keyword) throw dms_invalid_parameter("keyword");
    const std::string* key = query_text(ctx, "key");
    const auto include = split_keywords(query_text(ctx, "include"));
    const auto exclude = split_keywords(query_text(ctx, "exclude"));
    if (include.size() + exclude.size() > max_body_keywords) throw dms_invalid_parameter("include");
    const bool by_time = start_time || end_time;
    if (!by_time && keyword == nullptr && key == nullptr && (!partition || !message_offset)) {
        throw dms_invalid_parameter(partition ? "message_offset" : "partition");
    }

    state::message_filter filter;
    if (by_time) {
        filter.start_ms = start_time;
        filter.end_ms = end_time;
    } else if (keyword == nullptr && key == nullptr) {
        filter.partition = static_cast<std::int32_t>(*partition);
    }
    auto found =
        st.kafka.cluster(ctx.param("project_id"), ctx.param("instance_id"))->messages(*topic, filter);
    if (!by_time && keyword == nullptr && key == nullptr) {
        std::erase_if(found, [&](const auto& m) { return m.message.offset != *message_offset; });
    }
    if (key != nullptr) {
        if (found.size() > key_scan_limit) found.resize(key_scan_limit);
        std::erase_if(found, [&](const auto& m) { return m.message.key != *key; });
        if (found.size() > key_match_limit) found.resize(key_match_limit);
    }
    std::erase_if(found, [&](const auto& m) {
        const auto& value = m.message.value;
        if (keyword != nullptr && !contains(value, *keyword)) return true;
        if (!include.empty() &&
            std::none_of(include.begin(), include.end(), [&](const auto& w) { return contains(value, w); })) {
            return true;
        }
        return std::any_of(exclude.begin(), exclude.end(), [&](const auto& w) { return contains(value, w); });
    });
    sort_by_time(found, ascending);

    const auto total = static_cast<std::int64_t>(found.size());
    // Keyword searches ignore paging (reference §6.2).
    const auto window =
        keyword != nullptr ? page_window(total, 0, total) : page_window(total, page * limit, limit);
    return json_response(200, [&](json_object& o) {
        o.array("messages", window.of(found), [&](json_object& entry, const state::stored_message& stored) {
            write_message_entity(entry, *topic, stored, !by_time,
                                 keyword != nullptr ? "offset" : "message_offset");
        });
        o.field("total", total).field("size", window.size());
    });
}

// Pages are 1-based in the answer; a requested page 0 or 1 is the first (reference §9 Q7).
response show_messages(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    state::message_filter filter;
    filter.start_ms = query_int(ctx, "start_time", 0, 0, INT64_MAX);
    filter.end_ms = query_int(ctx, "end_time", 0, INT64_MAX);
    const auto limit = query_int(ctx, "limit", default_message_page, 1, max_message_page);
    const auto page = std::max<std::int64_t>(1, query_int(ctx, "offset", 0, 0, INT32_MAX));
    const auto partition = query_int(ctx, "partition", -1, -1, INT32_MAX);
    if (partition >= 0) filter.partition = static_cast<std::int32_t>(partition);
    auto found = st.kafka.cluster(ctx.param("project_id"), ctx.param("instance_id"))
                     ->messages(ctx.param("topic"), filter);
    sort_by_time(found, true);

    const auto total = static_cast<std::int64_t>(found.size());
    const auto window = page_window(total, (page - 1) * limit, limit);
    return json_response(200, [&](json_object& o) {
        o.array("messages", window.of(found), [&](json_object& entry, const state::stored_message& stored) {
            entry.field("topic", ctx.param("topic"))
                .field("partition", stored.partition)
                .field("message_offset", stored.message.offset)
                .field("size", message_size(stored.message))
                .field("timestamp", stored.message.timestamp);
        });
        o.field("messages_count", total)
            .field("offsets_count", (total + limit - 1) / limit)
            .field("offset", page);
    });
}

response show_partition_beginning_message(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto partition = path_partition(ctx);
    const auto log = st.kafka.cluster(ctx.param("project_id"), ctx.param("instance_id"))
                         ->partition(ctx.param("topic"), partition);
    return position_answer(ctx, partition, log.start_offset, log.first_timestamp);
}

// The offset of the last stored message (LEO - 1); an empty log answers its start offset with timestamp 0
// (reference §9 Q6).
response show_partition_end_message(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto partition = path_partition(ctx);
    const auto log = st.kafka.cluster(ctx.param("project_id"), ctx.param("instance_id"))
                         ->partition(ctx.param("topic"), partition);
    if (log.start_offset == log.end_offset) return position_answer(ctx, partition, log.start_offset, 0);
    return position_answer(ctx, partition, log.end_offset - 1, log.last_timestamp);
}

// A message that was deleted or never written answers an empty "message" array.
response show_partition_message(const request_context& ctx, state::state& st) {
    require_dms_instance(ctx);
    const auto partition = path_partition(ctx);
    const std::string* offset_text = ctx.query_param("message_offset");
    const auto offset = offset_text ? parse_int64(*offset_text) : std::nullopt;
    if (!offset) throw dms_invalid_parameter("message_offset");
    const auto message = st.kafka.cluster(ctx.param("project_id"), ctx.param("instance_id"))
                             ->message_at(ctx.param("topic"), partition, *offset);

    return json_response(200, [&](json_object& o) {
        const auto found = message ? std::span(&*message, 1) : std::span<const state::kafka_message>();
        o.array("message", found, [&](json_object& entry, const state::kafka_message& m) {
            entry.field("key", m.key)
                .field("value", m.value)
                .field("topic", ctx.param("topic"))
                .field("partition", partition)
                .field("message_offset", m.offset)
                .field("size", message_size(m))
                .field("timestamp", m.timestamp);
        });
    });
}

}  // namespace emu::routes::dms
