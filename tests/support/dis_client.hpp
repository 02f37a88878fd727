#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <string>

#include "tests/support/sdk_signer.hpp"
#include "tests/support/test_server.hpp"

// Helpers shared by the DIS route tests: paths, the answer shapes every DIS route gives (empty 201/204,
// JSON 200, DIS's own error body), typed member checks, and the calls most tests need for setup.
namespace emu::test {

inline constexpr const char* dis_json_type = "application/json;charset=UTF-8";

// "/v2/{project}" + rest.
std::string path(const std::string& rest, const std::string& project = project_id);

// 32 lowercase hex characters.
bool is_request_id(const std::string& id);

// `status`, no body, no Content-Type, an X-Request-Id.
testing::AssertionResult is_empty_answer(const http_reply& reply, unsigned status);
// `status`, the JSON Content-Type, an X-Request-Id.
testing::AssertionResult is_json_answer(const http_reply& reply, unsigned status = 200);
// DIS's own error body: exactly {"errorCode": code, "message": message}, plus is_json_answer().
testing::AssertionResult is_dis_error(const http_reply& reply, const std::string& code,
                                      const std::string& message, unsigned status = 400);

// A member of the given JSON type and value.
testing::AssertionResult has_string(const rapidjson::Value& object, const char* key,
                                    const std::string& expected);
testing::AssertionResult has_int(const rapidjson::Value& object, const char* key, std::int64_t expected);
testing::AssertionResult has_bool(const rapidjson::Value& object, const char* key, bool expected);
testing::AssertionResult has_empty_array(const rapidjson::Value& object, const char* key);
// Exactly these member names, in any order.
testing::AssertionResult has_members(const rapidjson::Value& object,
                                     std::initializer_list<const char*> names);

http_reply create_app(const test_server& server, const std::string& name,
                      const std::string& project = project_id);

// Sends requests exactly as the official SDK does (auth.md §2): Content-Type: application/json on every
// request, User-Agent, X-Project-Id, X-Sdk-Date (the server's manual clock), Host with the port, the query
// sorted and encoded, and an SDK-HMAC-SHA256 Authorization over all of them.
class sdk_client {
  public:
    sdk_client(test_server& server, std::string access_key, std::string secret_key,
               std::string project = project_id);

    // `rest` is the path after /v2/{project_id}, already encoded as the SDK encodes path parameters.
    http_reply call(const std::string& method, const std::string& rest, const name_values& query = {},
                    const std::string& body = {}) const;

    // The headers and target of the last call, for assertions about what went over the wire.
    const name_values& last_headers() const { return last_headers_; }
    const std::string& last_target() const { return last_target_; }

  private:
    test_server& server_;
    std::string access_key_;
    std::string secret_key_;
    std::string project_;
    mutable name_values last_headers_;
    mutable std::string last_target_;
};

}  // namespace emu::test
