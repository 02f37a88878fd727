#include "tests/support/dms_client.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <regex>
#include <utility>
#include <vector>

namespace emu::test {

std::string to_json(const rapidjson::Value& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return buffer.GetString();
}

std::string invalid_parameter(const std::string& name) {
    return "Invalid " + name + " parameter in the request.";
}

void expect_json_headers(const http_reply& reply) {
    static const std::regex request_id("[0-9a-f]{32}");
    EXPECT_EQ(reply.header("content-type"), "application/json;charset=UTF-8");
    EXPECT_TRUE(std::regex_match(reply.header("x-request-id"), request_id)) << reply.header("x-request-id");
}

void expect_json(const http_reply& reply, unsigned status, const std::string& expected) {
    EXPECT_EQ(reply.status, status) << reply.body;
    expect_json_headers(reply);
    rapidjson::Document want;
    want.Parse(expected.c_str());
    ASSERT_FALSE(want.HasParseError()) << "bad expectation: " << expected;
    const auto got = reply.json();
    EXPECT_TRUE(got == want) << "got  " << reply.body << "\nwant " << to_json(want);
}

void expect_dms_error(const http_reply& reply, unsigned status, const std::string& code,
                      const std::string& message) {
    EXPECT_EQ(reply.status, status) << reply.body;
    expect_json_headers(reply);
    const auto body = reply.json();
    ASSERT_TRUE(body.IsObject()) << reply.body;
    EXPECT_EQ(body.MemberCount(), 2U) << reply.body;
    ASSERT_TRUE(body.HasMember("error_code") && body["error_code"].IsString()) << reply.body;
    ASSERT_TRUE(body.HasMember("error_msg") && body["error_msg"].IsString()) << reply.body;
    EXPECT_EQ(body["error_code"].GetString(), code);
    EXPECT_EQ(body["error_msg"].GetString(), message);
}

void expect_invalid_parameter(const http_reply& reply, const std::string& name) {
    expect_dms_error(reply, 400, "DMS.00400062", invalid_parameter(name));
}

void expect_gateway_404(const http_reply& reply) {
    expect_json(reply, 404,
                R"({"error_code":"APIG.0101","error_msg":")" + gateway_message + R"(","request_id":")" +
                    reply.header("x-request-id") + R"("})");
}

void expect_empty(const http_reply& reply, unsigned status) {
    static const std::regex request_id("[0-9a-f]{32}");
    EXPECT_EQ(reply.status, status) << reply.body;
    EXPECT_EQ(reply.body, "");
    EXPECT_EQ(reply.header("content-type"), "");
    EXPECT_TRUE(std::regex_match(reply.header("x-request-id"), request_id)) << reply.header("x-request-id");
}

std::string instance_body(const std::string& name, const std::string& drop, const std::string& replace,
                          const std::string& with) {
    const std::vector<std::pair<std::string, std::string>> members{
        {"name", "\"" + name + "\""},
        {"engine", R"("kafka")"},
        {"engine_version", R"("3.x")"},
        {"broker_num", "3"},
        {"storage_space", "300"},
        {"product_id", R"("c6.2u4g.cluster")"},
        {"storage_spec_code", R"("dms.physical.storage.ultra.v2")"},
        {"vpc_id", R"("vpc-1")"},
        {"subnet_id", R"("subnet-1")"},
        {"security_group_id", R"("sg-1")"},
        {"available_zones", R"(["az-1"])"},
    };
    std::string body = "{";
    bool replaced = false;
    for (const auto& [key, value] : members) {
        if (key == drop) continue;
        if (body.size() > 1) body += ",";
        body += "\"" + key + "\":" + (key == replace ? with : value);
        replaced = replaced || key == replace;
    }
    if (!replace.empty() && !replaced) body += ",\"" + replace + "\":" + with;
    return body + "}";
}

std::string create_instance(const test_server& server, const std::string& name) {
    const auto reply = server.request("POST", dms + "/kafka/instances", instance_body(name));
    EXPECT_EQ(reply.status, 200U) << reply.body;
    const auto body = reply.json();
    if (!body.IsObject() || !body.HasMember("instance_id") || !body["instance_id"].IsString()) return "";
    return body["instance_id"].GetString();
}

void create_topic(const test_server& server, const std::string& instance, const std::string& topic,
                  int partitions) {
    const auto reply =
        server.request("POST", topics_path(instance),
                       R"({"id":")" + topic + R"(","partition":)" + std::to_string(partitions) + "}");
    EXPECT_EQ(reply.status, 200U) << reply.body;
}

std::string send_body(const std::string& topic, const std::string& value, std::optional<int> partition,
                      const std::optional<std::string>& key) {
    std::string properties;
    if (key) properties += R"({"name":"KEY","value":")" + *key + R"("})";
    if (partition) {
        if (!properties.empty()) properties += ",";
        properties += R"({"name":"PARTITION","value":")" + std::to_string(*partition) + R"("})";
    }
    return R"({"topic":")" + topic + R"(","body":")" + value + R"(","property_list":[)" + properties + "]}";
}

void send(const test_server& server, const std::string& instance, const std::string& topic,
          const std::string& value, std::optional<int> partition, const std::optional<std::string>& key) {
    const auto reply = server.request("POST", send_path(instance), send_body(topic, value, partition, key));
    EXPECT_EQ(reply.status, 200U) << reply.body;
}

void create_group(const test_server& server, const std::string& instance, const std::string& group) {
    const auto reply = server.request("POST", dms + "/kafka/instances/" + instance + "/group",
                                      R"({"group_name":")" + group + R"("})");
    EXPECT_EQ(reply.status, 200U) << reply.body;
}

std::string kafka_bootstrap(const test_server& server, const std::string& instance) {
    const auto reply = server.request("GET", instance_path(instance));
    EXPECT_EQ(reply.status, 200U) << reply.body;
    rapidjson::Document doc;
    doc.Parse(reply.body.c_str());
    if (!doc.IsObject() || !doc.HasMember("kafka_private_connect_address")) return "";
    return doc["kafka_private_connect_address"].GetString();
}

std::string instance_path(const std::string& instance) {
    return dms + "/instances/" + instance;
}
std::string topics_path(const std::string& instance) {
    return instance_path(instance) + "/topics";
}
std::string partitions_path(const std::string& instance, const std::string& topic) {
    return dms + "/kafka/instances/" + instance + "/topics/" + topic + "/partitions";
}
std::string partition_path(const std::string& instance, const std::string& topic,
                           const std::string& partition) {
    return instance_path(instance) + "/management/topics/" + topic + "/partitions/" + partition;
}
std::string post_delete_path(const std::string& instance, const std::string& topic) {
    return dms + "/kafka/instances/" + instance + "/topics/" + topic + "/messages/delete";
}
std::string legacy_delete_path(const std::string& instance, const std::string& topic) {
    return dms + "/kafka/instances/" + instance + "/topics/" + topic + "/messages";
}
std::string send_path(const std::string& instance, const std::string& query) {
    return instance_path(instance) + "/messages/action" + query;
}
std::string engine_group_path(const std::string& instance, const std::string& group) {
    return dms_engine + "/instances/" + instance + "/groups/" + group;
}

}  // namespace emu::test
