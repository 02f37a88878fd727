#include "routes/dis/records.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "routes/dis/common.hpp"
#include "routes/dis/protobuf.hpp"
#include "routes/http/json.hpp"
#include "routes/http/media_type.hpp"
#include "routes/http/validation.hpp"

namespace emu::routes::dis {

namespace {

constexpr std::size_t max_records_per_read = 1000;  // reference §10 Q15
constexpr std::size_t max_cursor_length = 512;
constexpr std::string_view at_sequence_number = "AT_SEQUENCE_NUMBER";

std::string base64url_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int written =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(written));
    while (!out.empty() && out.back() == '=') out.pop_back();
    std::replace(out.begin(), out.end(), '+', '-');
    std::replace(out.begin(), out.end(), '/', '_');
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    if (text.empty() || text.size() % 4 == 1) return std::nullopt;
    std::string standard(text);
    for (char& c : standard) {
        if (c == '-') {
            c = '+';
        } else if (c == '_') {
            c = '/';
        } else if (!std::isalnum(static_cast<unsigned char>(c))) {
            return std::nullopt;
        }
    }
    const std::size_t padding = (4 - standard.size() % 4) % 4;
    standard.append(padding, '=');
    std::string out(standard.size() / 4 * 3, '\0');
    const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                        reinterpret_cast<const unsigned char*>(standard.data()),
                                        static_cast<int>(standard.size()));
    if (written < 0) return std::nullopt;
    out.resize(static_cast<std::size_t>(written) - padding);
    return out;
}

std::optional<state::cursor_type> parse_cursor_type(std::string_view text) {
    using state::cursor_type;
    if (text == "AT_SEQUENCE_NUMBER") return cursor_type::at_sequence_number;
    if (text == "AFTER_SEQUENCE_NUMBER") return cursor_type::after_sequence_number;
    if (text == "TRIM_HORIZON") return cursor_type::trim_horizon;
    if (text == "LATEST") return cursor_type::latest;
    if (text == "AT_TIMESTAMP") return cursor_type::at_timestamp;
    return std::nullopt;
}

// The sequence number or timestamp a cursor type needs; the others need none.
std::int64_t cursor_start_value(const request_context& ctx, state::cursor_type type) {
    switch (type) {
        case state::cursor_type::at_sequence_number:
        case state::cursor_type::after_sequence_number: {
            const std::string* text = ctx.query_param("starting-sequence-number");
            if (text == nullptr) throw dis_error("DIS.4216", {"starting-sequence-number is required"});
            const auto sequence = parse_int64(*text);
            if (!sequence) throw dis_error("DIS.4216", {*text});
            return *sequence;
        }
        case state::cursor_type::at_timestamp: {
            const std::string* text = ctx.query_param("timestamp");
            if (text == nullptr) throw dis_invalid_request("timestamp: is required with AT_TIMESTAMP");
            const auto timestamp = parse_int64(*text);
            if (!timestamp || *timestamp < 0) {
                throw dis_invalid_request("timestamp: must be milliseconds since the epoch");
            }
            return *timestamp;
        }
        case state::cursor_type::trim_horizon:
        case state::cursor_type::latest:
            return 0;
    }
    return 0;
}

response cursor_answer(const std::string& cursor) {
    return json_response(200, [&](json_object& o) { o.field("partition_cursor", cursor); });
}

}  // namespace

std::string encode_cursor(const partition_cursor& cursor) {
    return base64url_encode(json_body([&](json_object& o) {
        o.field("stream_name", cursor.stream_name)
            .field("stream_id", cursor.stream_id)
            .field("partition_id", shard_id(cursor.partition))
            .field("cursor_type", at_sequence_number)
            .field("sequence_number", std::to_string(cursor.position))
            .field("generated_at", cursor.generated_at);
    }));
}

std::optional<partition_cursor> decode_cursor(std::string_view text) {
    if (text.size() > max_cursor_length) return std::nullopt;
    const auto json = base64url_decode(text);
    if (!json) return std::nullopt;
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(json->data(),
                                                                                      json->size());
    if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
    // Through a const reference: comparing RapidJSON's mutable member iterators is ambiguous in C++20
    // (clang).
    const rapidjson::Value& root = doc;
    const auto string_of = [&](const char* name) -> std::optional<std::string> {
        const auto it = root.FindMember(name);
        if (it == root.MemberEnd() || !it->value.IsString()) return std::nullopt;
        return std::string(it->value.GetString(), it->value.GetStringLength());
    };
    const auto name = string_of("stream_name");
    const auto id = string_of("stream_id");
    const auto partition = string_of("partition_id");
    const auto type = string_of("cursor_type");
    const auto sequence = string_of("sequence_number");
    const auto generated = root.FindMember("generated_at");
    if (!name || !id || !partition || !type || !sequence || generated == root.MemberEnd() ||
        !generated->value.IsInt64() || *type != at_sequence_number || !is_name(*name, stream_name_max)) {
        return std::nullopt;
    }
    const auto index = parse_partition_id(*partition);
    const auto position = parse_int64(*sequence);
    if (!index || !position || *position < 0) return std::nullopt;
    return partition_cursor{*name, *id, *index, *position, generated->value.GetInt64()};
}

// The Go SDK marshals every field of a record, unset ones as "" (models.go PutRecordsRequestEntry, no
// omitempty): an empty partition_id, explicit_hash_key or partition_key is read as one not sent.
state::record_input parse_record_input(const rapidjson::Value& item, const std::string& path) {
    if (!item.IsObject()) throw dis_invalid_request(path + ": must be an object");
    const json_fields fields(item, service::dis, path);
    const auto non_empty = [&fields](const char* name) {
        auto value = fields.opt_string(name);
        if (value && value->empty()) value.reset();
        return value;
    };
    state::record_input record;
    record.data = fields.req_string("data");
    if (!is_base64(record.data)) throw fields.invalid("data", "must be base64");
    if (auto id = non_empty("partition_id")) record.partition = required_partition(*id);
    if (auto hash = non_empty("explicit_hash_key")) {
        const auto value = parse_int64(*hash);
        if (!value || *value < 0)
            throw fields.invalid("explicit_hash_key", "must be a decimal from 0 to 2^63-1");
        record.explicit_hash_key = *value;
    }
    record.partition_key = non_empty("partition_key");
    return record;
}

// Every record is validated before any is stored; the answer has one result per record, in input order.
// A protobuf body (DIS's native SDKs) is read into the same document and answered in protobuf.
response send_records(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const bool protobuf = declares_protobuf(ctx);
    const auto document =
        protobuf ? put_records_document(ctx.body) : parse_json_object(ctx.body, service::dis);
    const json_fields fields(document, service::dis);
    const auto stream_name = fields.req_string("stream_name");
    const auto* items = fields.opt_array("records");
    if (items == nullptr || items->Empty())
        throw fields.invalid("records", "at least one record is required");
    std::vector<state::record_input> records;
    records.reserve(items->Size());
    for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
        records.push_back(parse_record_input((*items)[i], "records[" + std::to_string(i) + "]"));
    }
    const auto results = st.dis.put_records(ctx.param("project_id"), stream_name, records);
    if (protobuf) return put_records_protobuf_answer(results);

    return json_response(200, [&](json_object& o) {
        o.field("failed_record_count", 0)
            .array("records", results, [](json_object& entry, const auto& result) {
                entry.field("partition_id", shard_id(result.partition))
                    .field("sequence_number", std::to_string(result.sequence_number));
            });
    });
}

// Syntax first (DIS.4200, 4201, 4215, 4216), then the stream (4301), the partition (4302, 4319) and the
// sequence number's range (4224).
response show_cursor(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto stream_name = checked_name(ctx.query_param("stream-name"), "stream-name", stream_name_max);
    const std::string* partition_id = ctx.query_param("partition-id");
    if (partition_id == nullptr) throw dis_invalid_request("partition-id: is required");
    const std::int32_t partition = required_partition(*partition_id);
    const std::string* type_text = ctx.query_param("cursor-type");
    const auto type =
        type_text != nullptr ? parse_cursor_type(*type_text) : state::cursor_type::at_sequence_number;
    if (!type) throw dis_error("DIS.4215", {*type_text});
    const std::int64_t value = cursor_start_value(ctx, *type);

    const auto start = st.dis.start_cursor(ctx.param("project_id"), stream_name, partition, *type, value);
    return cursor_answer(
        encode_cursor({stream_name, start.stream_id, partition, start.position, st.dis.now_ms()}));
}

// Syntax first (DIS.4200), then the cursor (4217, 4225), the stream (4301), the partition (4302, 4319) and
// the cursor's position (4226 once retention has dropped the record it points at). A request whose
// Content-Type is protobuf (DIS's native SDKs) gets the records in protobuf.
response consume_records(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const std::string* text = ctx.query_param("partition-cursor");
    if (text == nullptr) throw dis_invalid_request("partition-cursor: is required");
    // Older clients send `limit`; more than the maximum is served as the maximum.
    const auto limit = query_int(ctx, "limit", 1, INT64_MAX, static_cast<std::int64_t>(max_records_per_read));
    std::optional<std::int64_t> max_bytes;
    if (ctx.query_param("max_fetch_bytes") != nullptr)
        max_bytes = query_int(ctx, "max_fetch_bytes", 1, INT64_MAX, 0);
    const auto cursor = decode_cursor(*text);
    if (!cursor) throw dis_error("DIS.4217", {*text});
    const std::int64_t now = st.dis.now_ms();
    if (now - cursor->generated_at >= cursor_lifetime_ms) throw dis_error("DIS.4225", {*text});

    state::read_request request;
    request.stream_name = cursor->stream_name;
    request.stream_id = cursor->stream_id;
    request.partition = cursor->partition;
    request.position = cursor->position;
    request.limit = std::min(static_cast<std::size_t>(limit), max_records_per_read);
    request.max_bytes = max_bytes;
    const auto result = st.dis.read_records(ctx.param("project_id"), request);

    partition_cursor next = *cursor;
    next.position = result.next_position;
    next.generated_at = now;
    if (declares_protobuf(ctx)) return get_records_protobuf_answer(result.records, encode_cursor(next));
    return json_response(200, [&](json_object& o) {
        o.array("records", result.records, [](json_object& entry, const auto& record) {
            entry.field_if("partition_key", record.partition_key)
                .field("sequence_number", std::to_string(record.sequence_number))
                .field("data", record.data)
                .field("timestamp", record.timestamp)
                .field("timestamp_type", "CreateTime");
        });
        o.field("next_partition_cursor", encode_cursor(next));
    });
}

}  // namespace emu::routes::dis
