#include "tests/support/dis_client.hpp"

#include <algorithm>
#include <set>

namespace emu::test {

std::string path(const std::string& rest, const std::string& project) {
    return "/v2/" + project + rest;
}

bool is_request_id(const std::string& id) {
    return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

testing::AssertionResult is_empty_answer(const http_reply& reply, unsigned status) {
    if (reply.status != status) {
        return testing::AssertionFailure() << "status " << reply.status << ", body " << reply.body;
    }
    if (!reply.body.empty()) return testing::AssertionFailure() << "body not empty: " << reply.body;
    if (reply.headers.contains("content-type")) {
        return testing::AssertionFailure() << "unexpected Content-Type " << reply.header("content-type");
    }
    if (!is_request_id(reply.header("x-request-id"))) {
        return testing::AssertionFailure() << "bad X-Request-Id '" << reply.header("x-request-id") << "'";
    }
    return testing::AssertionSuccess();
}

testing::AssertionResult is_json_answer(const http_reply& reply, unsigned status) {
    if (reply.status != status) {
        return testing::AssertionFailure() << "status " << reply.status << ", body " << reply.body;
    }
    if (reply.header("content-type") != dis_json_type) {
        return testing::AssertionFailure() << "Content-Type '" << reply.header("content-type") << "'";
    }
    if (!is_request_id(reply.header("x-request-id"))) {
        return testing::AssertionFailure() << "bad X-Request-Id '" << reply.header("x-request-id") << "'";
    }
    return testing::AssertionSuccess();
}

testing::AssertionResult is_dis_error(const http_reply& reply, const std::string& code,
                                      const std::string& message, unsigned status) {
    if (auto answer = is_json_answer(reply, status); !answer) return answer;
    rapidjson::Document body;
    body.Parse(reply.body.c_str(), reply.body.size());
    if (body.HasParseError() || !body.IsObject() || body.MemberCount() != 2 || !body.HasMember("errorCode") ||
        !body["errorCode"].IsString() || !body.HasMember("message") || !body["message"].IsString()) {
        return testing::AssertionFailure() << "not a DIS error body: " << reply.body;
    }
    if (body["errorCode"].GetString() != code || body["message"].GetString() != message) {
        return testing::AssertionFailure()
               << "expected " << code << " '" << message << "', got " << reply.body;
    }
    return testing::AssertionSuccess();
}

testing::AssertionResult has_string(const rapidjson::Value& object, const char* key,
                                    const std::string& expected) {
    if (!object.IsObject() || !object.HasMember(key))
        return testing::AssertionFailure() << "no member " << key;
    const auto& value = object[key];
    if (!value.IsString()) return testing::AssertionFailure() << key << " is not a string";
    if (value.GetString() != expected) {
        return testing::AssertionFailure()
               << key << " is '" << value.GetString() << "', not '" << expected << "'";
    }
    return testing::AssertionSuccess();
}

testing::AssertionResult has_int(const rapidjson::Value& object, const char* key, std::int64_t expected) {
    if (!object.IsObject() || !object.HasMember(key))
        return testing::AssertionFailure() << "no member " << key;
    const auto& value = object[key];
    if (!value.IsInt64()) return testing::AssertionFailure() << key << " is not an integer";
    if (value.GetInt64() != expected) {
        return testing::AssertionFailure() << key << " is " << value.GetInt64() << ", not " << expected;
    }
    return testing::AssertionSuccess();
}

testing::AssertionResult has_bool(const rapidjson::Value& object, const char* key, bool expected) {
    if (!object.IsObject() || !object.HasMember(key))
        return testing::AssertionFailure() << "no member " << key;
    const auto& value = object[key];
    if (!value.IsBool()) return testing::AssertionFailure() << key << " is not a boolean";
    if (value.GetBool() != expected) return testing::AssertionFailure() << key << " is " << value.GetBool();
    return testing::AssertionSuccess();
}

testing::AssertionResult has_empty_array(const rapidjson::Value& object, const char* key) {
    if (!object.IsObject() || !object.HasMember(key))
        return testing::AssertionFailure() << "no member " << key;
    if (!object[key].IsArray() || !object[key].Empty())
        return testing::AssertionFailure() << key << " not []";
    return testing::AssertionSuccess();
}

testing::AssertionResult has_members(const rapidjson::Value& object,
                                     std::initializer_list<const char*> names) {
    if (!object.IsObject()) return testing::AssertionFailure() << "not an object";
    const std::set<std::string> expected(names.begin(), names.end());
    std::set<std::string> actual;
    for (const auto& member : object.GetObject()) actual.emplace(member.name.GetString());
    if (actual == expected) return testing::AssertionSuccess();
    auto failure = testing::AssertionFailure() << "members {";
    for (const auto& name : actual) failure << " " << name;
    failure << " }, expected {";
    for (const auto& name : expected) failure << " " << name;
    return failure << " }";
}

http_reply create_app(const test_server& server, const std::string& name, const std::string& project) {
    return server.request("POST", path("/apps", project), R"({"app_name":")" + name + R"("})");
}

sdk_client::sdk_client(test_server& server, std::string access_key, std::string secret_key,
                       std::string project)
    : server_(server),
      access_key_(std::move(access_key)),
      secret_key_(std::move(secret_key)),
      project_(std::move(project)) {}

http_reply sdk_client::call(const std::string& method, const std::string& rest, const name_values& query,
                            const std::string& body) const {
    signable_request request;
    request.method = method;
    request.path = "/v2/" + project_ + rest;
    request.query = query;
    request.body = body;
    request.headers = {
        {"Content-Type", "application/json"},
        {"User-Agent", "huaweicloud-usdk-python/3.0; os/Linux python/3.11.7 impl/CPython; app/emu-test"},
        {"X-Project-Id", project_},
        {"X-Sdk-Date", sdk_date(server_.clock().now_ms.load())},
        {"Host", "127.0.0.1:" + std::to_string(server_.port())}};
    const std::string authorization = sdk_authorization(request, access_key_, secret_key_);
    last_headers_ = request.headers;
    last_headers_.emplace_back("Authorization", authorization);
    const std::string query_text = sdk_query_string(query);
    last_target_ = request.path + (query_text.empty() ? "" : "?" + query_text);
    header_list headers(last_headers_.begin(), last_headers_.end());
    return server_.request(method, last_target_, body, headers);
}

}  // namespace emu::test
