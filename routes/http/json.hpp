#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "routes/http/api_error.hpp"
#include "routes/http/request.hpp"

namespace emu::routes {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

// DIS refuses request bodies over 5 MB itself (reference dis-api.md §10 Q15), in JSON or protobuf; larger
// ones than the transport's --body-limit never reach a handler.
inline constexpr std::size_t dis_max_body_bytes = 5 * 1024 * 1024;

// Parses a request body that must be a JSON object, answering in `format`'s own words when it is
// empty (DMS.00400004 / DIS.4202) or not a JSON object, or not valid UTF-8 (DMS.00400005 / DIS.4300).
rapidjson::Document parse_json_object(std::string_view body, service format);

// Typed, validated access to the members of one JSON object. A member of the wrong type or outside its
// range is refused in the service's words: DMS.00400062 naming the parameter, or DIS.4200 with a reason.
class json_fields {
  public:
    json_fields(const rapidjson::Value& object, service format, std::string path = {});

    bool has(const char* name) const;
    std::optional<std::string> opt_string(const char* name) const;
    std::string req_string(const char* name) const;
    std::optional<std::int64_t> opt_int(const char* name, std::int64_t min, std::int64_t max) const;
    std::int64_t req_int(const char* name, std::int64_t min, std::int64_t max) const;
    std::optional<bool> opt_bool(const char* name) const;
    const rapidjson::Value* opt_array(const char* name) const;
    const rapidjson::Value* opt_object(const char* name) const;

    // The JSON path of a member, e.g. "partitions[1].offset".
    std::string path_of(std::string_view name) const;
    api_error invalid(std::string_view name, std::string_view reason) const;
    service format() const { return format_; }

  private:
    const rapidjson::Value* member(const char* name) const;

    const rapidjson::Value& object_;
    service format_;
    std::string path_;
};

std::string to_string(const rapidjson::StringBuffer& buffer);
void write_string(json_writer& writer, std::string_view value);

// Writes the members of a JSON object, one call per member, so a handler reads as the list of fields it
// answers. A thin view over the writer: it owns nothing, and every call is one or two RapidJSON calls.
// The member order is the call order, which is the order the SDK models and the tests expect.
class json_object {
  public:
    explicit json_object(json_writer& writer) noexcept : w_(writer) {}

    json_object& field(std::string_view key, std::string_view value) {
        this->key(key);
        write_string(w_, value);
        return *this;
    }
    // Without this overload a string literal would convert to bool, a better match than to string_view.
    json_object& field(std::string_view key, const char* value) {
        return field(key, std::string_view(value));
    }
    json_object& field(std::string_view key, bool value) {
        this->key(key);
        w_.Bool(value);
        return *this;
    }
    template <std::integral T>
    requires(!std::same_as<T, bool>) json_object& field(std::string_view key, T value) {
        this->key(key);
        if constexpr (std::is_signed_v<T>) {
            w_.Int64(value);
        } else {
            w_.Uint64(value);
        }
        return *this;
    }
    json_object& field(std::string_view key, double value) {
        this->key(key);
        w_.Double(value);
        return *this;
    }
    // A member that is always there: null when unset.
    template <typename T>
    json_object& field(std::string_view key, const std::optional<T>& value) {
        if (value) return field(key, *value);
        return null_field(key);
    }
    // A member that is left out when unset.
    template <typename T>
    json_object& field_if(std::string_view key, const std::optional<T>& value) {
        if (value) field(key, *value);
        return *this;
    }
    json_object& null_field(std::string_view key) {
        this->key(key);
        w_.Null();
        return *this;
    }

    // A member object; `members(json_object&)` writes its members.
    template <typename Members>
    json_object& object(std::string_view key, Members&& members) {
        this->key(key);
        return object(std::forward<Members>(members));
    }
    // A member array of objects, one per item; `members(json_object&, const item&)` writes its members.
    template <typename Items, typename Members>
    json_object& array(std::string_view key, const Items& items, Members&& members) {
        this->key(key);
        w_.StartArray();
        for (const auto& item : items) {
            w_.StartObject();
            members(*this, item);
            w_.EndObject();
        }
        w_.EndArray();
        return *this;
    }
    // A member array of strings or numbers.
    template <typename Items>
    json_object& values(std::string_view key, const Items& items) {
        this->key(key);
        w_.StartArray();
        for (const auto& item : items) value(item);
        w_.EndArray();
        return *this;
    }
    // A member array of one string or number per item, `value_of(item)` giving it.
    template <typename Items, typename ValueOf>
    json_object& values(std::string_view key, const Items& items, ValueOf&& value_of) {
        this->key(key);
        w_.StartArray();
        for (const auto& item : items) value(value_of(item));
        w_.EndArray();
        return *this;
    }
    // A member array whose elements `write(json_writer&, const item&)` writes whole: for writers that take
    // the RapidJSON writer itself (journal entries, fault rules).
    template <typename Items, typename Write>
    json_object& elements(std::string_view key, const Items& items, Write&& write) {
        this->key(key);
        w_.StartArray();
        for (const auto& item : items) write(w_, item);
        w_.EndArray();
        return *this;
    }
    json_object& empty_array(std::string_view key) {
        this->key(key);
        w_.StartArray();
        w_.EndArray();
        return *this;
    }
    json_object& empty_object(std::string_view key) {
        this->key(key);
        w_.StartObject();
        w_.EndObject();
        return *this;
    }

    // One object value, e.g. an element of an array the caller opened; `members(json_object&)` writes its
    // members.
    template <typename Members>
    json_object& object(Members&& members) {
        w_.StartObject();
        members(*this);
        w_.EndObject();
        return *this;
    }
    // The key of a member whose value the caller writes through writer(), e.g. with a writer shared with
    // another room (journal entries, fault rules).
    json_object& key(std::string_view key) {
        w_.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
        return *this;
    }
    json_writer& writer() noexcept { return w_; }

  private:
    void value(std::string_view text) { write_string(w_, text); }
    template <std::integral T>
    requires(!std::same_as<T, bool>) void value(T number) {
        if constexpr (std::is_signed_v<T>) {
            w_.Int64(number);
        } else {
            w_.Uint64(number);
        }
    }

    json_writer& w_;
};

// The text of the one JSON value `write(json_writer&)` writes.
template <typename Write>
std::string json_text(Write&& write) {
    rapidjson::StringBuffer buffer;
    json_writer writer(buffer);
    write(writer);
    return to_string(buffer);
}

// The text of one JSON object whose members `members(json_object&)` writes: a response body.
template <typename Members>
std::string json_body(Members&& members) {
    return json_text([&](json_writer& writer) { json_object(writer).object(members); });
}

// A JSON answer whose body is one object that `members(json_object&)` writes.
template <typename Members>
response json_response(unsigned status, Members&& members) {
    return response::json(status, json_body(std::forward<Members>(members)));
}

}  // namespace emu::routes
