#include "routes/dis/tags.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "routes/dis/common.hpp"
#include "routes/dis/streams.hpp"
#include "routes/http/json.hpp"
#include "routes/http/validation.hpp"

namespace emu::routes::dis {

namespace {

// ListResourcesByTags: at most 10 keys per filter, 10 values per key; limit 1-1000 (default 1000).
constexpr std::size_t max_filter_keys = 10;
constexpr std::size_t max_filter_values = 10;
constexpr std::int64_t max_resources_page = 1000;

// The Tag array of a batch call: at least one, keys unique within the request.
std::vector<state::dis_tag> parse_tag_list(const json_fields& fields) {
    const auto* array = fields.opt_array("tags");
    if (array == nullptr || array->Empty()) throw dis_invalid_request("tags: is required");
    std::vector<state::dis_tag> tags;
    std::set<std::string> keys;
    for (rapidjson::SizeType i = 0; i < array->Size(); ++i) {
        auto tag = parse_tag((*array)[i], "tags[" + std::to_string(i) + "]");
        if (!keys.insert(tag.key).second)
            throw dis_invalid_request("tags: key " + tag.key + " is given twice");
        tags.push_back(std::move(tag));
    }
    return tags;
}

void write_tag_list(json_object& o, const std::vector<state::dis_tag>& tags) {
    o.array("tags", tags, [](json_object& t, const state::dis_tag& tag) {
        t.field("key", tag.key).field("value", tag.value);
    });
}

// One {key, values} filter of ListResourcesByTags; empty values mean any value.
struct tag_filter {
    std::string key;
    std::vector<std::string> values;

    bool matches(const std::vector<state::dis_tag>& tags) const {
        return std::any_of(tags.begin(), tags.end(), [&](const state::dis_tag& tag) {
            return tag.key == key &&
                   (values.empty() || std::find(values.begin(), values.end(), tag.value) != values.end());
        });
    }
};

std::vector<tag_filter> parse_filters(const json_fields& fields, const char* name) {
    std::vector<tag_filter> out;
    const auto* array = fields.opt_array(name);
    if (array == nullptr) return out;
    if (array->Size() > max_filter_keys) throw fields.invalid(name, "at most 10 keys");
    std::set<std::string> keys;
    for (rapidjson::SizeType i = 0; i < array->Size(); ++i) {
        const std::string path = std::string(name) + "[" + std::to_string(i) + "]";
        if (!(*array)[i].IsObject()) throw dis_invalid_request(path + ": must be an object");
        const json_fields item((*array)[i], service::dis, path);
        tag_filter filter{item.req_string("key"), {}};
        if (filter.key.empty()) throw item.invalid("key", "must not be empty");
        if (!keys.insert(filter.key).second) throw item.invalid("key", "is given twice");
        if (const auto* values = item.opt_array("values")) {
            if (values->Size() > max_filter_values) throw item.invalid("values", "at most 10 values");
            std::set<std::string> seen;
            for (const auto& value : values->GetArray()) {
                if (!value.IsString()) throw item.invalid("values", "must be strings");
                std::string text(value.GetString(), value.GetStringLength());
                if (!seen.insert(text).second) throw item.invalid("values", "a value is given twice");
                filter.values.push_back(std::move(text));
            }
        }
        out.push_back(std::move(filter));
    }
    return out;
}

// The member `name` of `body`, or null when it is absent or null.
const rapidjson::Value* member_of(const rapidjson::Value& body, const char* name) {
    const auto it = body.FindMember(name);
    return it == body.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

// limit and offset are strings in the SDK model (ListResourceInstancesReq); a JSON integer is read too.
std::optional<std::int64_t> opt_count(const rapidjson::Value& body, const json_fields& fields,
                                      const char* name, std::int64_t min, std::int64_t max) {
    const auto* value = member_of(body, name);
    if (value == nullptr) return std::nullopt;
    std::optional<std::int64_t> number;
    if (value->IsString())
        number = parse_int64(std::string_view(value->GetString(), value->GetStringLength()));
    if (value->IsInt64()) number = value->GetInt64();
    if (!number || *number < min || *number > max) {
        throw fields.invalid(name,
                             "must be a number from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return number;
}

// matches: [{key: "resource_name", value}] in the API reference; the SDK types it as a string, which is
// read as the value itself. The name matches when it contains the value.
std::vector<std::string> parse_name_matches(const rapidjson::Value& body, const json_fields& fields) {
    std::vector<std::string> out;
    const auto* value = member_of(body, "matches");
    if (value == nullptr) return out;
    if (value->IsString()) {
        out.emplace_back(value->GetString(), value->GetStringLength());
        return out;
    }
    if (!value->IsArray()) throw fields.invalid("matches", "must be an array");
    for (rapidjson::SizeType i = 0; i < value->Size(); ++i) {
        const std::string path = "matches[" + std::to_string(i) + "]";
        if (!(*value)[i].IsObject()) throw dis_invalid_request(path + ": must be an object");
        const json_fields item((*value)[i], service::dis, path);
        if (item.req_string("key") != "resource_name") throw item.invalid("key", "must be resource_name");
        out.push_back(item.opt_string("value").value_or(""));
    }
    return out;
}

}  // namespace

response create_tag(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto document = parse_json_object(ctx.body, service::dis);
    const json_fields fields(document, service::dis);
    const auto* tag = fields.opt_object("tag");
    if (tag == nullptr) throw dis_invalid_request("tag: is required");
    st.dis.add_stream_tags(ctx.param("project_id"), ctx.param("stream_id"), {parse_tag(*tag, "tag")});
    return response::empty(204);
}

// Both are idempotent (API reference, BatchCreateTags and BatchDeleteTags): a key the stream has gets the
// new value; deleting a key it lacks is no error. Another action is DIS.4605.
response batch_tags(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto document = parse_json_object(ctx.body, service::dis);
    const json_fields fields(document, service::dis);
    const auto action = fields.req_string("action");
    if (action != "create" && action != "delete") throw dis_error("DIS.4605");
    auto tags = parse_tag_list(fields);
    if (action == "create") {
        st.dis.add_stream_tags(ctx.param("project_id"), ctx.param("stream_id"), tags);
    } else {
        std::vector<std::string> keys;
        for (auto& tag : tags) keys.push_back(std::move(tag.key));
        st.dis.remove_stream_tags(ctx.param("project_id"), ctx.param("stream_id"), keys, false);
    }
    return response::empty(204);
}

// A key the stream lacks is DIS.4604 "The key does not exist." here, unlike the batch deletion.
response delete_tag(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    st.dis.remove_stream_tags(ctx.param("project_id"), ctx.param("stream_id"), {ctx.param("key")}, true);
    return response::empty(204);
}

response show_stream_tags(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto tags = st.dis.stream_tags(ctx.param("project_id"), ctx.param("stream_id"));
    return json_response(200, [&](json_object& o) { write_tag_list(o, tags); });
}

// Keys sorted, each with its distinct values sorted.
response list_tags(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    std::map<std::string, std::set<std::string>> keys;
    for (const auto& stream : st.dis.tagged_streams(ctx.param("project_id"))) {
        for (const auto& tag : stream.tags) keys[tag.key].insert(tag.value);
    }
    return json_response(200, [&](json_object& o) {
        o.array("tags", keys, [](json_object& t, const auto& entry) {
            t.field("key", entry.first).values("values", entry.second);
        });
    });
}

// A stream is listed when it matches every filter of `tags`, at least one of `tags_any` (when given), not
// every one of `not_tags` (when given), none of `not_tags_any`, and every name in `matches`. Streams come
// sorted by name; `offset` skips that many.
response list_resources_by_tags(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto document = parse_json_object(ctx.body, service::dis);
    const json_fields fields(document, service::dis);
    const auto action = fields.req_string("action");
    if (action != "filter" && action != "count") throw fields.invalid("action", "must be filter or count");
    const auto limit =
        opt_count(document, fields, "limit", 1, max_resources_page).value_or(max_resources_page);
    const auto offset = opt_count(document, fields, "offset", 0, INT64_MAX).value_or(0);
    const auto all = parse_filters(fields, "tags");
    const auto any = parse_filters(fields, "tags_any");
    const auto not_all = parse_filters(fields, "not_tags");
    const auto not_any = parse_filters(fields, "not_tags_any");
    const auto names = parse_name_matches(document, fields);

    std::vector<state::tagged_stream> found;
    for (auto& stream : st.dis.tagged_streams(ctx.param("project_id"))) {
        const auto hit = [&](const tag_filter& f) { return f.matches(stream.tags); };
        if (!std::all_of(all.begin(), all.end(), hit)) continue;
        if (!any.empty() && !std::any_of(any.begin(), any.end(), hit)) continue;
        if (!not_all.empty() && std::all_of(not_all.begin(), not_all.end(), hit)) continue;
        if (std::any_of(not_any.begin(), not_any.end(), hit)) continue;
        if (!std::all_of(names.begin(), names.end(), [&](const std::string& name) {
                return stream.stream_name.find(name) != std::string::npos;
            }))
            continue;
        found.push_back(std::move(stream));
    }
    if (action == "count")
        return json_response(200, [&](json_object& o) { o.field("total_count", found.size()); });

    std::vector<state::tagged_stream> page;
    for (std::size_t i = 0; i < found.size(); ++i) {
        if (static_cast<std::int64_t>(i) >= offset && static_cast<std::int64_t>(page.size()) < limit)
            page.push_back(found[i]);
    }
    return json_response(200, [&](json_object& o) {
        o.array("resources", page, [](json_object& r, const state::tagged_stream& stream) {
            r.field("resource_id", stream.stream_id)
                .field("resource_name", stream.stream_name)
                .null_field("resource_detail");
            write_tag_list(r, stream.tags);
        });
        o.field("total_count", found.size());
    });
}

}  // namespace emu::routes::dis
