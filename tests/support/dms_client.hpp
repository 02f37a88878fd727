#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>

#include "tests/support/test_server.hpp"

// Helpers shared by the DMS for Kafka route tests: paths, the answer shapes every DMS route gives (JSON
// with exact types, DMS's own error body, the gateway's 404), and the calls most tests need for set-up.
namespace emu::test {

inline constexpr std::int64_t t0 = 1'700'000'000'000;  // the manual clock's start
inline const std::string dms = "/v2/" + project_id;
inline const std::string dms_engine = "/v2/kafka/" + project_id;  // the /v2/{engine}/{project_id} prefix
inline const std::string unknown_instance = "0b6f3c1e-4d2a-4f8b-9c7d-1e2f3a4b5c6d";
inline const std::string invalid_topic = "Invalid topic in the request.";
inline const std::string no_instance = "This DMS instance does not exist.";
inline const std::string gateway_message =
    "The API does not exist or has not been published in the environment.";

std::string to_json(const rapidjson::Value& value);
std::string invalid_parameter(const std::string& name);

// The JSON Content-Type and a 32-hex X-Request-Id.
void expect_json_headers(const http_reply& reply);
// Status, headers and a body equal to `expected` as JSON: same members, same JSON types ("300" is not
// 300), arrays in the same order.
void expect_json(const http_reply& reply, unsigned status, const std::string& expected);
// Exactly {"error_code": code, "error_msg": message} with `status`.
void expect_dms_error(const http_reply& reply, unsigned status, const std::string& code,
                      const std::string& message);
void expect_invalid_parameter(const http_reply& reply, const std::string& name);
void expect_gateway_404(const http_reply& reply);
// `status`, no body, no Content-Type, an X-Request-Id.
void expect_empty(const http_reply& reply, unsigned status);

// The reference's example CreateInstanceByEngine body (§4.1), with one member replaced, added (`replace`
// naming a new member) or removed (`drop`).
std::string instance_body(const std::string& name = "emu-kafka-01", const std::string& drop = "",
                          const std::string& replace = "", const std::string& with = "");

// ---- set-up calls; each fails the test when the emulator refuses -----------------------------------
std::string create_instance(const test_server& server, const std::string& name = "emu-kafka-01");
void create_topic(const test_server& server, const std::string& instance, const std::string& topic,
                  int partitions = 3);
std::string send_body(const std::string& topic, const std::string& value, std::optional<int> partition,
                      const std::optional<std::string>& key);
void send(const test_server& server, const std::string& instance, const std::string& topic,
          const std::string& value, std::optional<int> partition = std::nullopt,
          const std::optional<std::string>& key = std::nullopt);
void create_group(const test_server& server, const std::string& instance, const std::string& group);
// The instance's Kafka bootstrap servers as ShowInstance reports them (kafka_private_connect_address).
std::string kafka_bootstrap(const test_server& server, const std::string& instance);

// ---- paths ----------------------------------------------------------------------------------------
std::string instance_path(const std::string& instance);  // /v2/{p}/instances/{i}
std::string topics_path(const std::string& instance);    // .../instances/{i}/topics
std::string partitions_path(const std::string& instance, const std::string& topic);
std::string partition_path(const std::string& instance, const std::string& topic,
                           const std::string& partition);
std::string post_delete_path(const std::string& instance, const std::string& topic);
std::string legacy_delete_path(const std::string& instance, const std::string& topic);
std::string send_path(const std::string& instance, const std::string& query = "?action_id=send");
std::string engine_group_path(const std::string& instance,
                              const std::string& group);  // /v2/kafka/{p}/.../groups/{g}

}  // namespace emu::test
