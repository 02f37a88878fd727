// Strict mode against a captured request (issue 15, item 6). A signature covers the body it was made for:
// on every route that changes something, in every credential form, a replay with another body is refused
// whatever X-Sdk-Content-Sha256 claims, and nothing is stored; the genuine request still works. And a
// credential header given twice is refused before any handler, in every mode, on every kind of route.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "routes/auth/authenticate.hpp"
#include "routes/auth/signing.hpp"
#include "routes/control/fixture.hpp"
#include "routes/pipeline.hpp"
#include "tests/routes/auth/signed_requests.hpp"
#include "tests/support/dms_client.hpp"
#include "tests/support/raw_connection.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

using routes::auth::signing::sha256_hex;

const std::string instance = "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
const std::string v2 = "/v2/" + project_id;
const std::string instance_root = v2 + "/instances/" + instance;
const std::string kafka_instance_root = v2 + "/kafka/instances/" + instance;
const std::string empty_body_sha256(routes::auth::signing::empty_body_sha256);

std::string engine_group(const std::string& group) {
    return "/v2/kafka/" + project_id + "/instances/" + instance + "/groups/" + group;
}

// Something of everything each mutating route touches: an instance with two topics (orders/0 holds m0..m4)
// and two groups (billing has committed orders/0 at 2), two streams (orders/0 holds three records), two
// apps and billing's checkpoint on orders/0.
std::string fixture_text() {
    return R"({"projects":[{"project_id":")" + project_id + R"(",
      "kafka":{"instances":[{"instance_id":")" +
           instance + R"(","name":"emu-kafka-01","engine_version":"3.x","broker_num":3,
        "topics":[{"id":"orders","partition":3,"partitions":[{"partition":0,"messages":[
                     {"value":"m0"},{"value":"m1"},{"value":"m2"},{"value":"m3"},{"value":"m4"}]}]},
                  {"id":"payments","partition":1}],
        "groups":[{"group_name":"billing","group_desc":"invoices",
                   "offsets":[{"topic":"orders","partition":0,"offset":2}]},
                  {"group_name":"audit"}]}]},
      "dis":{"streams":[{"stream_name":"orders","partition_count":2,"stream_id":"EmuStreamOrders0001",
                         "tags":[{"key":"team","value":"core"}],
                         "transfer_tasks":[
                           {"destination_type":"OBS","obs_destination_descriptor":
                              {"task_name":"hourly","obs_bucket_path":"hour-bucket"}},
                           {"destination_type":"OBS","obs_destination_descriptor":
                              {"task_name":"nightly","obs_bucket_path":"night-bucket"}}],
                         "records":[
                           {"partition_id":"0","data":"b25l"},{"partition_id":"0","data":"dHdv"},
                           {"partition_id":"0","data":"dGhyZWU="}]},
                        {"stream_name":"payments","partition_count":1}],
             "apps":[{"app_name":"billing"},{"app_name":"audit"}],
             "checkpoints":[{"app_name":"billing","stream_name":"orders","partition_id":"0",
                             "checkpoint_type":"LAST_READ","sequence_number":"2"}]}}]})";
}

// ---- reading the state back ------------------------------------------------------------------------

using json = rapidjson::Value;

const json* member(const json* object, const char* name) {
    if (object == nullptr || !object->IsObject() || !object->HasMember(name)) return nullptr;
    return &(*object)[name];
}

// The element of `array` whose `key` is `value` (a string or an integer member).
const json* element(const json* array, const char* key, const std::string& value) {
    if (array == nullptr || !array->IsArray()) return nullptr;
    for (const auto& item : array->GetArray()) {
        const auto* field = member(&item, key);
        if (field == nullptr) continue;
        if ((field->IsString() && field->GetString() == value) ||
            (field->IsInt64() && std::to_string(field->GetInt64()) == value)) {
            return &item;
        }
    }
    return nullptr;
}

std::string text(const json* value) {
    if (value == nullptr) return "";
    if (value->IsString()) return value->GetString();
    if (value->IsInt64()) return std::to_string(value->GetInt64());
    if (value->IsBool()) return value->GetBool() ? "true" : "false";
    return "?";
}

// `key` of every element, in the order of the export, or sorted.
std::string listed(const json* array, const char* key, bool sorted = true) {
    std::vector<std::string> values;
    if (array != nullptr && array->IsArray()) {
        for (const auto& item : array->GetArray()) values.push_back(text(member(&item, key)));
    }
    if (sorted) std::sort(values.begin(), values.end());
    std::string joined;
    for (const auto& value : values) joined += (joined.empty() ? "" : ",") + value;
    return joined;
}

// The project's part of GET /_emulator/state: what the emulator holds, as a fixture document.
struct exported {
    rapidjson::Document document;
    const json* project = nullptr;

    explicit exported(const std::string& body) {
        document.Parse(body.c_str(), body.size());
        project = element(member(&document, "projects"), "project_id", project_id);
    }
    const json* kafka_instance() const {
        return element(member(member(project, "kafka"), "instances"), "instance_id", instance);
    }
    const json* topic(const std::string& name) const {
        return element(member(kafka_instance(), "topics"), "id", name);
    }
    const json* kafka_partition(const std::string& name, int partition) const {
        return element(member(topic(name), "partitions"), "partition", std::to_string(partition));
    }
    const json* group(const std::string& name) const {
        return element(member(kafka_instance(), "groups"), "group_name", name);
    }
    const json* dis(const char* name) const { return member(member(project, "dis"), name); }
    const json* stream(const std::string& name) const { return element(dis("streams"), "stream_name", name); }
};

using observation = std::function<std::string(const exported&)>;

const observation instance_names = [](const exported& e) {
    return listed(member(member(e.project, "kafka"), "instances"), "name");
};
const observation topic_names = [](const exported& e) {
    return listed(member(e.kafka_instance(), "topics"), "id");
};
const observation auto_topic = [](const exported& e) {
    return text(member(e.kafka_instance(), "enable_auto_topic"));
};
const observation payments_partitions = [](const exported& e) {
    return text(member(e.topic("payments"), "partition"));
};
const observation num_partitions = [](const exported& e) {
    return text(
        member(element(member(e.kafka_instance(), "kafka_configs"), "name", "num.partitions"), "value"));
};
const observation orders_retention = [](const exported& e) {
    return text(member(e.topic("orders"), "retention_time"));
};
const observation orders_0_start = [](const exported& e) {
    return text(member(e.kafka_partition("orders", 0), "log_start_offset"));
};
const observation orders_0_messages = [](const exported& e) {
    return listed(member(e.kafka_partition("orders", 0), "messages"), "value", false);
};
const observation group_names = [](const exported& e) {
    return listed(member(e.kafka_instance(), "groups"), "group_name");
};
const observation billing_desc = [](const exported& e) {
    return text(member(e.group("billing"), "group_desc"));
};
const observation billing_orders_0_offset = [](const exported& e) {
    const auto* offsets = member(e.group("billing"), "offsets");
    if (offsets == nullptr || !offsets->IsArray()) return std::string();
    for (const auto& entry : offsets->GetArray()) {
        if (text(member(&entry, "topic")) == "orders" && text(member(&entry, "partition")) == "0")
            return text(member(&entry, "offset"));
    }
    return std::string();
};
const observation stream_names = [](const exported& e) { return listed(e.dis("streams"), "stream_name"); };
const observation orders_partition_count = [](const exported& e) {
    return text(member(e.stream("orders"), "partition_count"));
};
const observation orders_data_duration = [](const exported& e) {
    return text(member(e.stream("orders"), "data_duration"));
};
const observation orders_records = [](const exported& e) {
    std::string all;
    const auto* partitions = member(e.stream("orders"), "partitions");
    if (partitions == nullptr || !partitions->IsArray()) return all;
    for (const auto& p : partitions->GetArray()) {
        const auto data = listed(member(&p, "records"), "data", false);
        if (!data.empty()) all += (all.empty() ? "" : ";") + text(member(&p, "partition_id")) + ":" + data;
    }
    return all;
};
const observation app_names = [](const exported& e) { return listed(e.dis("apps"), "app_name"); };
const observation orders_tags = [](const exported& e) {
    return listed(member(e.stream("orders"), "tags"), "key");
};
// name:state of each transfer task of orders, by name; with `bucket`, name:bucket.
std::string orders_tasks(const exported& e, bool bucket) {
    std::vector<std::string> out;
    const auto* tasks = member(e.stream("orders"), "transfer_tasks");
    if (tasks == nullptr || !tasks->IsArray()) return "";
    for (const auto& t : tasks->GetArray()) {
        const auto* descriptor = member(&t, "obs_destination_descriptor");
        out.push_back(text(member(descriptor, "task_name")) + ":" +
                      (bucket ? text(member(descriptor, "obs_bucket_path")) : text(member(&t, "state"))));
    }
    std::sort(out.begin(), out.end());
    std::string joined;
    for (const auto& item : out) joined += (joined.empty() ? "" : ",") + item;
    return joined;
}
const observation task_states = [](const exported& e) { return orders_tasks(e, false); };
const observation task_buckets = [](const exported& e) { return orders_tasks(e, true); };
const observation billing_checkpoint = [](const exported& e) {
    const auto* checkpoints = e.dis("checkpoints");
    if (checkpoints == nullptr || !checkpoints->IsArray()) return std::string();
    for (const auto& c : checkpoints->GetArray()) {
        if (text(member(&c, "app_name")) == "billing" && text(member(&c, "stream_name")) == "orders")
            return text(member(&c, "partition_id")) + "@" + text(member(&c, "sequence_number"));
    }
    return std::string();
};

// ---- the routes -------------------------------------------------------------------------------------

// One mutating route of the table: a genuine request, the body a forger would put under its signature,
// and what the state shows of the difference before and after the genuine request. A forged body is
// chosen to change that observation too, had it been accepted; on a bodiless route the forger's body is
// beside the point and the observation is the deletion itself.
struct route_case {
    std::string operation;
    bool dis;
    std::string method;
    std::string target;
    std::string body;
    std::string forged;
    unsigned status;  // of the genuine request
    observation observe;
    std::string before;
    std::string after;
};

std::string reset_body(int offset) {
    return R"({"topic":"orders","partition":0,"message_offset":)" + std::to_string(offset) + "}";
}
std::string delete_messages_body(int offset) {
    return R"({"partitions":[{"partition":0,"offset":)" + std::to_string(offset) + "}]}";
}
std::string checkpoint_body(const std::string& sequence_number) {
    return R"({"app_name":"billing","checkpoint_type":"LAST_READ","stream_name":"orders","partition_id":"0",)"
           R"("sequence_number":")" +
           sequence_number + R"("})";
}
std::string task_body(const std::string& name, const std::string& bucket) {
    return R"({"destination_type":"OBS","obs_destination_descriptor":{"task_name":")" + name +
           R"(","obs_bucket_path":")" + bucket + R"("}})";
}
std::string records_body(const std::string& data) {
    return R"({"stream_name":"orders","records":[{"data":")" + data + R"(","partition_id":"0"}]})";
}

const std::string fixture_messages = "m0,m1,m2,m3,m4";
const std::string fixture_records = "shardId-0000000000:b25l,dHdv,dGhyZWU=";

const std::vector<route_case>& route_cases() {
    static const std::vector<route_case> cases{
        // DMS for Kafka: messages
        {"DeleteKafkaTopicMessages", false, "POST", kafka_instance_root + "/topics/orders/messages/delete",
         delete_messages_body(1), delete_messages_body(4), 200, orders_0_start, "0", "1"},
        {"DeleteKafkaMessage", false, "DELETE", kafka_instance_root + "/topics/orders/messages",
         delete_messages_body(1), delete_messages_body(4), 200, orders_0_start, "0", "1"},
        {"SendKafkaMessage", false, "POST", instance_root + "/messages/action?action_id=send",
         send_body("orders", "genuine", 0, std::nullopt), send_body("orders", "forged", 0, std::nullopt), 200,
         orders_0_messages, fixture_messages, fixture_messages + ",genuine"},
        // DMS for Kafka: instances
        {"CreatePostPaidKafkaInstance", false, "POST", v2 + "/kafka/instances",
         instance_body("genuine-kafka"), instance_body("forged-kafka"), 200, instance_names, "emu-kafka-01",
         "emu-kafka-01,genuine-kafka"},
        {"CreateInstanceByEngine", false, "POST", "/v2/kafka/" + project_id + "/instances",
         instance_body("genuine-kafka"), instance_body("forged-kafka"), 200, instance_names, "emu-kafka-01",
         "emu-kafka-01,genuine-kafka"},
        {"DeleteInstance", false, "DELETE", instance_root, "", R"({"instance_id":")" + instance + R"("})",
         204, instance_names, "emu-kafka-01", ""},
        {"UpdateInstanceAutoCreateTopic", false, "POST", instance_root + "/autotopic",
         R"({"enable_auto_topic":true})", R"({"enable_auto_topic":false})", 200, auto_topic, "false", "true"},
        {"ModifyInstanceConfigs", false, "PUT", instance_root + "/configs",
         R"({"kafka_configs":[{"name":"num.partitions","value":"5"}]})",
         R"({"kafka_configs":[{"name":"num.partitions","value":"9"}]})", 200, num_partitions, "3", "5"},
        // DMS for Kafka: topics
        {"CreateInstanceTopic", false, "POST", instance_root + "/topics",
         R"({"id":"genuine-topic","partition":1})", R"({"id":"forged-topic","partition":1})", 200,
         topic_names, "orders,payments", "genuine-topic,orders,payments"},
        {"BatchDeleteInstanceTopic", false, "POST", instance_root + "/topics/delete",
         R"({"topics":["payments"]})", R"({"topics":["orders"]})", 200, topic_names, "orders,payments",
         "orders"},
        {"UpdateInstanceTopic", false, "PUT", instance_root + "/topics",
         R"({"topics":[{"id":"orders","retention_time":24}]})",
         R"({"topics":[{"id":"orders","retention_time":1}]})", 204, orders_retention, "72", "24"},
        {"CreatePartition", false, "POST",
         instance_root + "/management/topics/payments/partitions-reassignment", R"({"partition":2})",
         R"({"partition":4})", 204, payments_partitions, "1", "2"},
        // DMS for Kafka: consumer groups
        {"CreateKafkaConsumerGroup", false, "POST", kafka_instance_root + "/group",
         R"({"group_name":"genuine-group"})", R"({"group_name":"forged-group"})", 200, group_names,
         "audit,billing", "audit,billing,genuine-group"},
        {"UpdateInstanceConsumerGroup", false, "PUT", engine_group("billing"), R"({"group_desc":"genuine"})",
         R"({"group_desc":"forged"})", 204, billing_desc, "invoices", "genuine"},
        {"DeleteGroup", false, "DELETE", instance_root + "/groups/billing", "", R"({"group_ids":["audit"]})",
         204, group_names, "audit,billing", "audit"},
        {"DeleteInstanceConsumerGroup", false, "DELETE", engine_group("billing"), "",
         R"({"group_ids":["audit"]})", 200, group_names, "audit,billing", "audit"},
        {"BatchDeleteGroup", false, "POST", instance_root + "/groups/batch-delete",
         R"({"group_ids":["audit"]})", R"({"group_ids":["billing"]})", 200, group_names, "audit,billing",
         "billing"},
        {"ResetMessageOffset", false, "POST",
         instance_root + "/management/groups/billing/reset-message-offset", reset_body(1), reset_body(4), 204,
         billing_orders_0_offset, "2", "1"},
        {"ResetMessageOffsetWithEngine", false, "PUT", engine_group("billing") + "/reset-message-offset",
         reset_body(1), reset_body(4), 204, billing_orders_0_offset, "2", "1"},
        // DIS: streams
        {"CreateStream", true, "POST", v2 + "/streams",
         R"({"stream_name":"genuine-stream","partition_count":1})",
         R"({"stream_name":"forged-stream","partition_count":1})", 201, stream_names, "orders,payments",
         "genuine-stream,orders,payments"},
        {"DeleteStream", true, "DELETE", v2 + "/streams/payments", "", R"({"stream_name":"orders"})", 204,
         stream_names, "orders,payments", "orders"},
        {"UpdatePartitionCount", true, "PUT", v2 + "/streams/orders",
         R"({"stream_name":"orders","target_partition_count":3})",
         R"({"stream_name":"orders","target_partition_count":4})", 200, orders_partition_count, "2", "3"},
        {"UpdateStream", true, "PUT", v2 + "/streams/orders/update",
         R"({"stream_name":"orders","update_type":"DATA_TYPE","data_duration":48})",
         R"({"stream_name":"orders","update_type":"DATA_TYPE","data_duration":72})", 200,
         orders_data_duration, "24", "48"},
        // DIS: records
        {"SendRecords", true, "POST", v2 + "/records", records_body("Z2VudWluZQ=="), records_body("Zm9yZ2Vk"),
         200, orders_records, fixture_records, fixture_records + ",Z2VudWluZQ=="},
        // DIS: tags
        {"CreateTag", true, "POST", v2 + "/stream/EmuStreamOrders0001/tags",
         R"({"tag":{"key":"genuine","value":"v"}})", R"({"tag":{"key":"forged","value":"v"}})", 204,
         orders_tags, "team", "genuine,team"},
        {"BatchTags", true, "POST", v2 + "/stream/EmuStreamOrders0001/tags/action",
         R"({"action":"delete","tags":[{"key":"team"}]})", R"({"action":"create","tags":[{"key":"forged"}]})",
         204, orders_tags, "team", ""},
        {"DeleteTag", true, "DELETE", v2 + "/stream/EmuStreamOrders0001/tags/team", "", R"({"key":"x"})", 204,
         orders_tags, "team", ""},
        // DIS: transfer tasks
        {"CreateTransferTask", true, "POST", v2 + "/streams/orders/transfer-tasks", task_body("genuine", "g"),
         task_body("forged", "f"), 201, task_states, "hourly:RUNNING,nightly:RUNNING",
         "genuine:RUNNING,hourly:RUNNING,nightly:RUNNING"},
        {"UpdateTransferTask", true, "PUT", v2 + "/streams/orders/transfer-tasks",
         task_body("nightly", "genuine-bucket"), task_body("hourly", "forged-bucket"), 200, task_buckets,
         "hourly:hour-bucket,nightly:night-bucket", "hourly:hour-bucket,nightly:genuine-bucket"},
        {"DeleteTransferTask", true, "DELETE", v2 + "/streams/orders/transfer-tasks/nightly", "",
         R"({"task_name":"hourly"})", 204, task_states, "hourly:RUNNING,nightly:RUNNING", "hourly:RUNNING"},
        {"BatchTransferTask", true, "POST", v2 + "/streams/orders/transfer-tasks/action",
         R"({"action":"stop","tasks":[{"id":"nightly"}]})", R"({"action":"stop","tasks":[{"id":"hourly"}]})",
         200, task_states, "hourly:RUNNING,nightly:RUNNING", "hourly:RUNNING,nightly:PAUSED"},
        // DIS: apps
        {"CreateApp", true, "POST", v2 + "/apps", R"({"app_name":"genuine-app"})",
         R"({"app_name":"forged-app"})", 201, app_names, "audit,billing", "audit,billing,genuine-app"},
        {"DeleteApp", true, "DELETE", v2 + "/apps/audit", "", R"({"app_name":"billing"})", 204, app_names,
         "audit,billing", "billing"},
        // DIS: checkpoints
        {"CommitCheckpoint", true, "POST", v2 + "/checkpoints", checkpoint_body("1"), checkpoint_body("0"),
         201, billing_checkpoint, "shardId-0000000000@2", "shardId-0000000000@1"},
        {"DeleteCheckpoint", true, "DELETE",
         v2 + "/checkpoints?app_name=billing&checkpoint_type=LAST_READ&stream_name=orders", "",
         R"({"app_name":"audit"})", 204, billing_checkpoint, "shardId-0000000000@2", ""},
    };
    return cases;
}

TEST(body_swap_table, covers_every_mutating_cloud_route_of_the_route_table_and_nothing_else) {
    const auto table = routes::make_pipeline();
    std::set<std::string> covered;
    for (const auto& c : route_cases()) {
        routes::request_context ctx;
        routes::parse_target(ctx, c.target);
        const auto matched = table.match(c.method, ctx.segments);
        ASSERT_NE(matched.found, nullptr) << c.method << " " << c.target;
        EXPECT_EQ(matched.found->operation, c.operation) << c.method << " " << c.target;
        EXPECT_EQ(matched.found->family == routes::service::dis, c.dis) << c.operation;
        EXPECT_TRUE(covered.insert(c.operation).second) << c.operation << " is listed twice";
    }
    // The Kafka adapter's group routes keep live membership, which the export leaves out: the swap test of
    // JoinGroup below reads it from the state. ListResourcesByTags is a query sent as POST: it changes
    // nothing.
    const std::set<std::string> elsewhere{"JoinGroup", "Heartbeat", "SyncGroup", "LeaveGroup",
                                          "ListResourcesByTags"};
    for (const auto& row : table.routes()) {
        if (row.path_template.starts_with("/_emulator/") || row.method == "GET" || row.method == "HEAD" ||
            elsewhere.contains(row.operation))
            continue;
        EXPECT_TRUE(covered.contains(row.operation)) << row.method << " " << row.path_template;
    }
}

// ---- (a)-(c): sign, replay with another body, nothing changed ------------------------------------------

struct swap_param {
    std::size_t index;
    signature_form form;
};

void PrintTo(const swap_param& param, std::ostream* out) {
    *out << route_cases()[param.index].operation << " in the " << form_name(param.form) << " form";
}

std::vector<swap_param> swap_params() {
    std::vector<swap_param> out;
    for (std::size_t i = 0; i < route_cases().size(); ++i) {
        out.push_back({i, signature_form::sdk});
        out.push_back({i, signature_form::v11});
        if (route_cases()[i].dis) out.push_back({i, signature_form::legacy});
    }
    return out;
}

class strict_server : public ::testing::Test {
  protected:
    void SetUp() override { routes::control::load_fixture_text(fixture_text(), "tamper", server_.state()); }

    std::string snapshot() const {
        const auto reply = server_.request("GET", "/_emulator/state");
        EXPECT_EQ(reply.status, 200U) << reply.body;
        return reply.body;
    }
    std::string observe(const observation& what) const { return what(exported(snapshot())); }
    http_reply send(const std::string& method, const std::string& target, const std::string& body,
                    const header_list& headers) const {
        return server_.request(method, target, body, headers);
    }

    test_server server_{strict_settings()};
    signer client_{server_.port()};
};

// The refusal of a signature that does not cover the body received: the gateway's 401, naming the
// declaration when there is one; DIS's 441 DIS.4100 in the DIS SDKs' form, which ignores the declaration.
::testing::AssertionResult is_swap_refusal(const http_reply& reply, signature_form form, bool declared) {
    if (form == signature_form::legacy) return is_dis_answer(reply, 441, "DIS.4100", "Authorization error.");
    return is_gateway_error(reply, 401, "APIGW.0301",
                            declared
                                ? "Incorrect IAM authentication information: verify aksk signature fail, "
                                  "X-Sdk-Content-Sha256 is not the SHA-256 of the body received"
                                : "Incorrect IAM authentication information: verify aksk signature fail, "
                                  "canonical request: ");
}

class body_swap : public strict_server, public ::testing::WithParamInterface<swap_param> {};

// The Kafka adapter's groups keep live membership, which the export leaves out: read from the state.
class group_swap : public strict_server {
  protected:
    std::string members() {
        const auto group = server_.state().dis.group(project_id, "billing");
        std::string out;
        if (!group) return out;
        for (const auto& m : group->members) out += (out.empty() ? "" : ",") + m.client_id;
        return out;
    }
};

TEST_F(group_swap, a_captured_join_carries_no_other_member) {
    const std::string target = v2 + "/apps/billing/consumers";
    const std::string genuine = R"({"groupId":"billing","clientId":"genuine","interestedStream":["orders"]})";
    const std::string forged = R"({"groupId":"billing","clientId":"forged","interestedStream":["orders"]})";
    for (const auto form : {signature_form::sdk, signature_form::v11, signature_form::legacy}) {
        SCOPED_TRACE(form_name(form));
        const auto headers = client_.sign(form, "POST", target, genuine);
        EXPECT_TRUE(is_swap_refusal(
            send("POST", target, forged, with(headers, "X-Sdk-Content-Sha256", sha256_hex(genuine))), form,
            true));
        EXPECT_TRUE(is_swap_refusal(send("POST", target, forged, headers), form, false));
        EXPECT_EQ(members(), "");
    }
    EXPECT_EQ(
        send("POST", target, genuine, client_.sign(signature_form::sdk, "POST", target, genuine)).status,
        200U);
    EXPECT_EQ(members(), "genuine");
}

TEST_P(body_swap, a_captured_signature_carries_no_other_body_and_the_genuine_request_still_works) {
    const auto& c = route_cases()[GetParam().index];
    const auto form = GetParam().form;
    const auto original = snapshot();
    ASSERT_EQ(c.observe(exported(original)), c.before);
    const auto expect_nothing_changed = [&](const char* attempt) {
        EXPECT_EQ(observe(c.observe), c.before) << attempt;
        EXPECT_TRUE(snapshot() == original) << attempt << ": the state changed";
    };
    const std::string declared = sha256_hex(c.body);

    // The captured request with the forged body, and the original body's hash declared beside it.
    const auto captured = client_.sign(form, c.method, c.target, c.body);
    const auto declaring = with(captured, "X-Sdk-Content-Sha256", declared);
    EXPECT_TRUE(is_swap_refusal(send(c.method, c.target, c.forged, declaring), form, true));
    expect_nothing_changed("declaration added");

    // A request that signed the declaration itself, replayed with the forged body.
    const auto signed_declaration =
        client_.sign(form, c.method, c.target, c.body, {{"X-Sdk-Content-Sha256", declared}});
    EXPECT_TRUE(is_swap_refusal(send(c.method, c.target, c.forged, signed_declaration), form, true));
    expect_nothing_changed("declaration signed");

    // No declaration: the body's own hash is in the canonical request.
    EXPECT_TRUE(is_swap_refusal(send(c.method, c.target, c.forged, captured), form, false));
    expect_nothing_changed("no declaration");

    // The very headers of the first attempt, with the body they were made for.
    const auto genuine = send(c.method, c.target, c.body, declaring);
    EXPECT_EQ(genuine.status, c.status) << genuine.body;
    EXPECT_EQ(observe(c.observe), c.after);
    EXPECT_FALSE(snapshot() == original) << "the genuine request changed nothing";
}

INSTANTIATE_TEST_SUITE_P(every_mutating_route, body_swap, ::testing::ValuesIn(swap_params()),
                         [](const ::testing::TestParamInfo<swap_param>& param_info) {
                             return route_cases()[param_info.param.index].operation + "_" +
                                    form_name(param_info.param.form);
                         });

// ---- what X-Sdk-Content-Sha256 may say --------------------------------------------------------------

class payload_declaration : public strict_server {};

TEST_F(payload_declaration, the_bodys_own_hash_declared_is_accepted_signed_or_not) {
    const std::string target = v2 + "/apps";
    for (const auto form : {signature_form::sdk, signature_form::v11, signature_form::legacy}) {
        const std::string name = std::string("declared-") + form_name(form);
        const std::string body = R"({"app_name":")" + name + R"("})";
        const auto reply =
            send("POST", target, body,
                 client_.sign(form, "POST", target, body, {{"X-Sdk-Content-Sha256", sha256_hex(body)}}));
        EXPECT_EQ(reply.status, 201U) << form_name(form) << " " << reply.body;
        const std::string added = name + "-added";
        const std::string added_body = R"({"app_name":")" + added + R"("})";
        const auto added_reply = send("POST", target, added_body,
                                      with(client_.sign(form, "POST", target, added_body),
                                           "X-Sdk-Content-Sha256", sha256_hex(added_body)));
        EXPECT_EQ(added_reply.status, 201U) << form_name(form) << " " << added_reply.body;
    }
    EXPECT_EQ(
        observe(app_names),
        "audit,billing,declared-legacy,declared-legacy-added,declared-sdk,declared-sdk-added,declared-v11,"
        "declared-v11-added");
    // On a DMS route too.
    const std::string topics = instance_root + "/topics";
    const std::string body = R"({"id":"declared","partition":1})";
    EXPECT_EQ(send("POST", topics, body,
                   client_.sdk("POST", topics, body, {{"X-Sdk-Content-Sha256", sha256_hex(body)}}))
                  .status,
              200U);
    EXPECT_EQ(observe(topic_names), "declared,orders,payments");
}

// Every body the emulator reads: JSON by any media type, none at all (read as JSON), BSON, protobuf.
TEST_F(payload_declaration, unsigned_payload_is_refused_for_a_body_the_emulator_reads) {
    const auto original = snapshot();
    const struct {
        std::string target;
        std::string body;
    } calls[] = {{v2 + "/apps", R"({"app_name":"unsigned-app"})"},
                 {instance_root + "/topics", R"({"id":"unsigned-topic","partition":1})"}};
    for (const auto& call : calls) {
        for (const std::string type :
             {"application/json", "application/json;charset=UTF-8", "Application/JSON", "application/bson",
              "application/vnd.emu+json", "application/merge-patch+json", "application/x-protobuf"}) {
            for (const auto form : {signature_form::sdk, signature_form::v11}) {
                signer declaring = client_;
                declaring.content_type = type;
                declaring.unsigned_payload = true;
                const auto headers = declaring.sign(form, "POST", call.target, call.body,
                                                    {{"X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD"}});
                EXPECT_TRUE(is_gateway_error(
                    send("POST", call.target, call.body, headers), 401, "APIGW.0301",
                    "Incorrect IAM authentication information: verify aksk signature "
                    "fail, X-Sdk-Content-Sha256 UNSIGNED-PAYLOAD is not allowed for a " +
                        (type.empty() ? "body without Content-Type (read as JSON)" : lower(type) + " body")))
                    << call.target << " " << type << " " << form_name(form);
            }
        }
    }
    EXPECT_TRUE(snapshot() == original) << "the state changed";
}

TEST_F(payload_declaration, unsigned_payload_must_be_among_the_signed_headers) {
    const auto original = snapshot();
    const std::string apps = v2 + "/apps";
    const std::string topics = instance_root + "/topics";
    const std::string app = R"({"app_name":"unsigned-app"})";
    const std::string topic = R"({"id":"unsigned-topic","partition":1})";
    for (const auto form : {signature_form::sdk, signature_form::v11}) {
        // A body the SDK core would declare UNSIGNED-PAYLOAD for (auth.md §2.1), the declaration not signed.
        signer plain = client_;
        plain.content_type = "text/plain";
        plain.unsigned_payload = true;
        for (const auto& [target, body] : {std::pair{apps, app}, std::pair{topics, topic}}) {
            const auto headers =
                with(plain.sign(form, "POST", target, body), "X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD");
            EXPECT_TRUE(
                is_gateway_error(send("POST", target, body, headers), 401, "APIGW.0301",
                                 "Incorrect IAM authentication information: verify aksk signature fail, "
                                 "X-Sdk-Content-Sha256 is not signed"))
                << target << " " << form_name(form);
        }
        // On a JSON body, not signed either: refused for the media type first.
        const auto json_headers =
            with(client_.sign(form, "POST", apps, app), "X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD");
        EXPECT_TRUE(is_signature_failure(send("POST", apps, app, json_headers)));
        EXPECT_TRUE(snapshot() == original) << "the state changed";

        // Signed, the declaration passes authentication, and each service refuses the body for not being
        // JSON: the refusal above was about the signing.
        const auto signed_app =
            plain.sign(form, "POST", apps, app, {{"X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD"}});
        EXPECT_TRUE(is_dis_answer(send("POST", apps, app, signed_app), 400, "DIS.4300", "Request error."));
        const auto signed_topic =
            plain.sign(form, "POST", topics, topic, {{"X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD"}});
        expect_dms_error(send("POST", topics, topic, signed_topic), 400, "DMS.00400005",
                         "The message body is not in JSON format or contains invalid characters.");
        EXPECT_TRUE(snapshot() == original) << "the state changed";
    }
}

// ---- the DIS Go SDK: the empty body's hash declared on every request (dis-native-sdks.md §2.4) ----------

class go_sdk : public strict_server {
  protected:
    // What utils/auth_v4.go sends: its JSON Content-Type, the CHINA default region, every header signed,
    // x-sdk-content-sha256 the empty body's hash whatever the body.
    header_list go_request(const std::string& target, const std::string& body) const {
        signer go = client_;
        go.region = "CHINA";
        go.content_type = "application/json;charset=UTF-8";
        return go.legacy("POST", target, body, {{"x-sdk-content-sha256", empty_body_sha256}});
    }
    static std::string go_records(const std::string& data) {
        return R"({"stream_name":"orders","stream_id":"","records":[{"data":")" + data +
               R"(","partition_id":"0","partition_key":""}]})";
    }
    const std::string target_ = v2 + "/records";
};

TEST_F(go_sdk, its_legacy_request_with_the_empty_hash_declared_is_accepted_and_stores_the_record) {
    const std::string body = go_records("Z28tc2Rr");
    const auto headers = go_request(target_, body);
    const auto reply = send("POST", target_, body, headers);
    EXPECT_EQ(reply.status, 200U) << reply.body;
    EXPECT_EQ(observe(orders_records), fixture_records + ",Z28tc2Rr");
    // The same declaration in the SDK core's forms is checked, and false.
    signer core = client_;
    core.content_type = "application/json;charset=UTF-8";
    for (const auto form : {signature_form::sdk, signature_form::v11}) {
        const auto declared_empty =
            core.sign(form, "POST", target_, body, {{"x-sdk-content-sha256", empty_body_sha256}});
        EXPECT_TRUE(is_swap_refusal(send("POST", target_, body, declared_empty), form, true));
    }
    EXPECT_EQ(observe(orders_records), fixture_records + ",Z28tc2Rr");
}

TEST_F(go_sdk, a_body_swap_on_its_request_is_refused_with_dis_4100_and_stores_nothing) {
    const std::string body = go_records("Z28tc2Rr");
    const auto headers = go_request(target_, body);
    const auto original = snapshot();
    for (const auto& forged : {go_records("Zm9yZ2Vk"), std::string()}) {
        EXPECT_TRUE(
            is_dis_answer(send("POST", target_, forged, headers), 441, "DIS.4100", "Authorization error."))
            << forged;
        EXPECT_TRUE(snapshot() == original) << "the state changed";
    }
    ASSERT_EQ(send("POST", target_, body, headers).status, 200U);
    const auto stored = snapshot();
    EXPECT_EQ(observe(orders_records), fixture_records + ",Z28tc2Rr");
    EXPECT_TRUE(is_dis_answer(send("POST", target_, go_records("Zm9yZ2Vk"), headers), 441, "DIS.4100",
                              "Authorization error."));
    EXPECT_TRUE(snapshot() == stored) << "the state changed";
}

// ==== repeated credential headers ===================================================================

// Exactly these bytes: http_request (Beast's set()) would fold a repeated header into one.
http_reply raw_request(std::uint16_t port, const std::string& method, const std::string& target,
                       const header_list& headers, const std::string& body) {
    std::string bytes = method + " " + target + " HTTP/1.1\r\n";
    for (const auto& [name, value] : headers) bytes += name + ": " + value + "\r\n";
    if (!body.empty() || method == "POST" || method == "PUT")
        bytes += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    bytes += "\r\n" + body;
    raw_connection connection(port);
    EXPECT_TRUE(connection.send(bytes));
    auto reply = connection.read_reply();
    EXPECT_TRUE(reply.has_value()) << method << " " << target;
    return reply.value_or(http_reply{});
}

const std::vector<std::string> credential_headers{"Authorization",    "X-Auth-Token",         "X-Sdk-Date",
                                                  "X-Security-Token", "X-Sdk-Content-Sha256", "Host"};

std::string repeated_message(const std::string& name) {
    return "API request error: the request has more than one " + name + " header.";
}

// A request and what it answers when nothing is wrong with it.
struct call {
    std::string label;
    std::string method;
    std::string target;
    std::string body;
    unsigned status;
};

class repeated_credentials : public ::testing::TestWithParam<routes::auth::auth_mode> {
  protected:
    void SetUp() override { routes::control::load_fixture_text(fixture_text(), "tamper", server_.state()); }

    static routes::auth::auth_settings settings() {
        return GetParam() == routes::auth::auth_mode::strict ? strict_settings() : mode(GetParam());
    }
    std::string snapshot() { return routes::control::export_fixture(server_.state()); }

    // A request that carries `name` once, and would pass in every mode.
    header_list carrying(const std::string& name, const call& c) const {
        if (name == "X-Auth-Token")
            return {
                {"Host", client_.host()}, {"Content-Type", "application/json"}, {"X-Auth-Token", test_token}};
        if (name == "X-Security-Token") {
            signer temporary{server_.port(), temp_ak, temp_sk};
            return temporary.sdk(c.method, c.target, c.body, {{"X-Security-Token", security_token}});
        }
        if (name == "X-Sdk-Content-Sha256")
            return client_.sdk(c.method, c.target, c.body, {{"X-Sdk-Content-Sha256", sha256_hex(c.body)}});
        return client_.sdk(c.method, c.target, c.body);  // Authorization, X-Sdk-Date, Host
    }

    test_server server_{settings()};
    signer client_{server_.port()};
};

TEST_P(repeated_credentials, are_refused_before_any_handler_on_every_kind_of_route_and_store_nothing) {
    int made = 0;
    for (const auto& name : credential_headers) {
        // Distinct names, so each genuine request creates something new.
        const std::string n = std::to_string(++made);
        const std::vector<call> calls{
            {"DMS", "POST", instance_root + "/topics", R"({"id":"repeat-)" + n + R"(","partition":1})", 200},
            {"DIS", "POST", v2 + "/streams", R"({"stream_name":"repeat-)" + n + R"(","partition_count":1})",
             201},
            {"control", "GET", "/_emulator/state", "", 200},
            {"control reset", "POST", "/_emulator/reset", "", 0},
        };
        for (const auto& c : calls) {
            SCOPED_TRACE(name + " on " + c.label);
            const auto once = carrying(name, c);
            const auto it =
                std::find_if(once.begin(), once.end(), [&](const auto& h) { return h.first == name; });
            ASSERT_NE(it, once.end());
            // The same value again under another spelling of the name, last; another value, first.
            const auto same_again = with(once, lower(name), it->second);
            header_list other_first{{name, it->second + "0"}};
            other_first.insert(other_first.end(), once.begin(), once.end());
            const auto before = snapshot();
            for (const header_list* headers :
                 std::initializer_list<const header_list*>{&same_again, &other_first}) {
                const auto reply = raw_request(server_.port(), c.method, c.target, *headers, c.body);
                EXPECT_TRUE(is_gateway_error(reply, 400, "APIGW.0201", repeated_message(name)));
                EXPECT_EQ(reply.json()["error_msg"], repeated_message(name).c_str());
                EXPECT_TRUE(snapshot() == before) << "the state changed";
            }
            // Once, the same request is answered: the refusal was about the repetition.
            if (c.status != 0) {
                const auto reply = raw_request(server_.port(), c.method, c.target, once, c.body);
                EXPECT_EQ(reply.status, c.status) << reply.body;
            }
        }
    }
    EXPECT_EQ(server_.state().counts().kafka.topics, 2 + made);
    EXPECT_EQ(server_.state().counts().dis.streams, 2 + made);
}

// A body without Content-Type is read as JSON, so it cannot go unsigned either (sent as raw bytes: the test
// client would add the SDKs' Content-Type).
TEST(unsigned_payload, is_refused_for_a_body_without_content_type) {
    test_server server(strict_settings());
    signer client{server.port()};
    client.content_type = "";
    client.unsigned_payload = true;
    const std::string target = v2 + "/apps";
    const std::string body = R"({"app_name":"no-type"})";
    for (const auto form : {signature_form::sdk, signature_form::v11}) {
        const auto headers =
            client.sign(form, "POST", target, body, {{"X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD"}});
        EXPECT_TRUE(
            is_gateway_error(raw_request(server.port(), "POST", target, headers, body), 401, "APIGW.0301",
                             "Incorrect IAM authentication information: verify aksk signature fail, "
                             "X-Sdk-Content-Sha256 UNSIGNED-PAYLOAD is not allowed for a body without "
                             "Content-Type (read as JSON)"))
            << form_name(form);
    }
    EXPECT_EQ(server.state().counts().dis.apps, 0);
}

// Any other header the signature names, given twice: the signature covers one copy, a handler or a proxy
// might read the other. Strict mode refuses it like a bad signature, in each form's words.
TEST(repeated_signed_headers, are_refused_in_strict_mode_and_store_nothing) {
    test_server server(strict_settings());
    routes::control::load_fixture_text(fixture_text(), "tamper", server.state());
    const signer client{server.port()};
    const std::string target = v2 + "/apps";
    const std::string body = R"({"app_name":"twice"})";
    const auto before = routes::control::export_fixture(server.state());
    for (const auto form : {signature_form::sdk, signature_form::v11, signature_form::legacy}) {
        const auto once = client.sign(form, "POST", target, body, {{"X-Project-Id", project_id}});
        for (const std::string name : {"Content-Type", "X-Project-Id"}) {
            SCOPED_TRACE(name + " " + form_name(form));
            const auto it =
                std::find_if(once.begin(), once.end(), [&](const auto& h) { return h.first == name; });
            ASSERT_NE(it, once.end());
            header_list twice{{name, it->second}};
            twice.insert(twice.end(), once.begin(), once.end());
            const auto reply = raw_request(server.port(), "POST", target, twice, body);
            if (form == signature_form::legacy) {
                EXPECT_TRUE(is_dis_answer(reply, 441, "DIS.4100", "Authorization error.")) << reply.body;
            } else {
                EXPECT_TRUE(
                    is_gateway_error(reply, 401, "APIGW.0301",
                                     "Incorrect IAM authentication information: verify aksk signature "
                                     "fail, the signed header " +
                                         lower(name) + " is given more than once"));
            }
            EXPECT_TRUE(routes::control::export_fixture(server.state()) == before) << "the state changed";
        }
    }
    EXPECT_EQ(
        raw_request(server.port(), "POST", target,
                    client.sign(signature_form::sdk, "POST", target, body, {{"X-Project-Id", project_id}}),
                    body)
            .status,
        201U);
}

INSTANTIATE_TEST_SUITE_P(every_mode, repeated_credentials,
                         ::testing::Values(routes::auth::auth_mode::off, routes::auth::auth_mode::loose,
                                           routes::auth::auth_mode::strict),
                         [](const ::testing::TestParamInfo<routes::auth::auth_mode>& param_info) {
                             return std::string(routes::auth::auth_mode_name(param_info.param));
                         });

}  // namespace
}  // namespace emu::test
