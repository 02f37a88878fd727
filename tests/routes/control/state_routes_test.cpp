// The state side of the control plane: health, reset, and state export / replace / merge, driven over real
// sockets without cloud credentials.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/dis_client.hpp"
#include "tests/support/dms_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

constexpr std::int64_t hour_ms = 3'600'000;

// A control-plane call: no credentials, as a test harness would send it.
http_reply control(const test_server& server, const std::string& method, const std::string& target,
                   const std::string& body = {}) {
    return http_request(server.port(), method, target, body,
                        body.empty() ? header_list{} : header_list{{"Content-Type", "application/json"}});
}

std::string export_state(const test_server& server, const std::string& query = "") {
    const auto reply = control(server, "GET", "/_emulator/state" + query);
    EXPECT_EQ(reply.status, 200U) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/json;charset=UTF-8");
    return reply.body;
}

// Exactly the gateway error body {"error_code":"EMU.0400","error_msg":message,"request_id":<the header>}.
void expect_bad_input(const http_reply& reply, const std::string& message) {
    EXPECT_EQ(reply.status, 400U) << reply.body;
    const auto json = reply.json();
    ASSERT_TRUE(json.IsObject()) << reply.body;
    EXPECT_TRUE(has_members(json, {"error_code", "error_msg", "request_id"})) << reply.body;
    EXPECT_TRUE(has_string(json, "error_code", "EMU.0400"));
    EXPECT_TRUE(has_string(json, "error_msg", message)) << reply.body;
    EXPECT_TRUE(has_string(json, "request_id", reply.header("x-request-id")));
}

struct counts {
    std::int64_t projects, instances, topics, messages, streams, records, apps, checkpoints;
};

void expect_counts(const rapidjson::Value& object, const counts& want) {
    ASSERT_TRUE(object.IsObject());
    EXPECT_TRUE(has_members(object, {"projects", "instances", "topics", "messages", "streams", "records",
                                     "apps", "checkpoints"}));
    EXPECT_TRUE(has_int(object, "projects", want.projects));
    EXPECT_TRUE(has_int(object, "instances", want.instances));
    EXPECT_TRUE(has_int(object, "topics", want.topics));
    EXPECT_TRUE(has_int(object, "messages", want.messages));
    EXPECT_TRUE(has_int(object, "streams", want.streams));
    EXPECT_TRUE(has_int(object, "records", want.records));
    EXPECT_TRUE(has_int(object, "apps", want.apps));
    EXPECT_TRUE(has_int(object, "checkpoints", want.checkpoints));
}

void expect_health_counts(const test_server& server, const counts& want) {
    const auto reply = control(server, "GET", "/_emulator/health");
    ASSERT_TRUE(is_json_answer(reply));
    const auto json = reply.json();
    expect_counts(json["counts"], want);
}

// ---- DIS set-up ---------------------------------------------------------------------------------------

void create_stream(const test_server& server, const std::string& name, int partitions,
                   const std::string& project = project_id, const std::string& extra = "") {
    const auto reply = server.request(
        "POST", path("/streams", project),
        R"({"stream_name":")" + name + R"(","partition_count":)" + std::to_string(partitions) + extra + "}");
    ASSERT_EQ(reply.status, 201U) << reply.body;
}

void put_record(const test_server& server, const std::string& stream, int partition, const std::string& data,
                const std::string& project = project_id) {
    const auto reply = server.request("POST", path("/records", project),
                                      R"({"stream_name":")" + stream + R"(","records":[{"data":")" + data +
                                          R"(","partition_id":")" + std::to_string(partition) + R"("}]})");
    ASSERT_EQ(reply.status, 200U) << reply.body;
}

void commit(const test_server& server, const std::string& app, const std::string& stream, int partition,
            int sequence, const std::string& metadata, const std::string& project = project_id) {
    const auto reply = server.request(
        "POST", path("/checkpoints", project),
        R"({"app_name":")" + app + R"(","checkpoint_type":"LAST_READ","stream_name":")" + stream +
            R"(","partition_id":")" + std::to_string(partition) + R"(","sequence_number":")" +
            std::to_string(sequence) + R"(","metadata":")" + metadata + R"("})");
    ASSERT_EQ(reply.status, 201U) << reply.body;
}

void scale(const test_server& server, const std::string& stream, int target) {
    const auto reply = server.request(
        "PUT", path("/streams/" + stream),
        R"({"stream_name":")" + stream + R"(","target_partition_count":)" + std::to_string(target) + "}");
    ASSERT_EQ(reply.status, 200U) << reply.body;
}

std::string checkpoint_path(const std::string& app, const std::string& stream, int partition,
                            const std::string& project = project_id) {
    return path("/checkpoints?app_name=" + app + "&stream_name=" + stream +
                    "&partition_id=" + std::to_string(partition) + "&checkpoint_type=LAST_READ",
                project);
}

// ---- health -------------------------------------------------------------------------------------------

TEST(emulator_health, answers_status_version_uptime_and_zero_counts_on_an_empty_emulator) {
    test_server server;
    const auto reply = control(server, "GET", "/_emulator/health");
    ASSERT_TRUE(is_json_answer(reply));
    const auto json = reply.json();
    EXPECT_TRUE(has_members(json, {"status", "version", "uptime_seconds", "counts"}));
    EXPECT_TRUE(has_string(json, "status", "ok"));
    EXPECT_TRUE(has_string(json, "version", "0.1.0"));
    ASSERT_TRUE(json["uptime_seconds"].IsNumber());
    EXPECT_GE(json["uptime_seconds"].GetDouble(), 0.0);
    expect_counts(json["counts"], {0, 0, 0, 0, 0, 0, 0, 0});
}

TEST(emulator_health, counts_follow_produce_delete_and_scale_in_both_services) {
    test_server server;
    const auto instance = create_instance(server);
    create_topic(server, instance, "orders", 3);
    create_topic(server, instance, "payments", 1);
    for (int i = 0; i < 4; ++i) send(server, instance, "orders", "v" + std::to_string(i), 0);
    send(server, instance, "orders", "x", 1);
    create_stream(server, "clicks", 2);
    put_record(server, "clicks", 0, "YQ==");
    put_record(server, "clicks", 1, "Yg==");
    put_record(server, "clicks", 1, "Yw==");
    ASSERT_EQ(create_app(server, "billing").status, 201U);
    commit(server, "billing", "clicks", 1, 1, "m");
    ASSERT_FALSE(HasFailure());
    expect_health_counts(server, {1, 1, 2, 5, 1, 3, 1, 1});

    // Deleting messages, a topic, and a stream (which takes its checkpoints) shows at once.
    ASSERT_EQ(server
                  .request("POST", post_delete_path(instance, "orders"),
                           R"({"partitions":[{"partition":0,"offset":3}]})")
                  .status,
              200U);
    expect_health_counts(server, {1, 1, 2, 2, 1, 3, 1, 1});
    ASSERT_EQ(server.request("POST", topics_path(instance) + "/delete", R"({"topics":["payments"]})").status,
              200U);
    ASSERT_EQ(server.request("DELETE", path("/streams/clicks")).status, 204U);
    expect_health_counts(server, {1, 1, 1, 2, 0, 0, 1, 0});

    // A second project counts once, whichever service it uses.
    ASSERT_EQ(create_app(server, "other", other_project_id).status, 201U);
    expect_health_counts(server, {2, 1, 1, 2, 0, 0, 2, 0});
}

TEST(emulator_health, retained_counts_drop_when_retention_passes) {
    test_server server;
    create_stream(server, "clicks", 1);
    put_record(server, "clicks", 0, "YQ==");
    expect_health_counts(server, {1, 0, 0, 0, 1, 1, 0, 0});
    server.clock().now_ms += 25 * hour_ms;  // data_duration defaults to 24 hours
    expect_health_counts(server, {1, 0, 0, 0, 1, 0, 0, 0});
}

// ---- reset --------------------------------------------------------------------------------------------

TEST(emulator_reset, everything_goes_and_the_answer_says_what_was_reset) {
    test_server server;
    const auto instance = create_instance(server);
    create_topic(server, instance, "orders");
    send(server, instance, "orders", "v", 0);
    create_stream(server, "clicks", 1);
    ASSERT_EQ(create_app(server, "billing", other_project_id).status, 201U);

    const auto reply = control(server, "POST", "/_emulator/reset");
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_EQ(reply.body, R"({"reset":"all","project_id":null,"faults_cleared":false})");
    expect_health_counts(server, {0, 0, 0, 0, 0, 0, 0, 0});
    EXPECT_EQ(export_state(server), R"({"projects":[]})");
    expect_dms_error(server.request("GET", instance_path(instance)), 404, "DMS.00404022", no_instance);
}

// Two tests' worth of state with the same names: after a reset, nothing of the first is visible to the
// second, which sees a fresh emulator.
TEST(emulator_reset, reset_isolates_tests) {
    test_server server;
    // "First test": an instance, a topic with messages and a group, a stream with records and a checkpoint.
    const auto first_instance = create_instance(server);
    create_topic(server, first_instance, "orders", 1);
    send(server, first_instance, "orders", "first-1", 0);
    send(server, first_instance, "orders", "first-2", 0);
    create_group(server, first_instance, "billing");
    create_stream(server, "orders", 1);
    put_record(server, "orders", 0, "Zmlyc3Q=");
    ASSERT_EQ(create_app(server, "billing").status, 201U);
    commit(server, "billing", "orders", 0, 1, "first");
    ASSERT_FALSE(HasFailure());

    ASSERT_EQ(control(server, "POST", "/_emulator/reset").status, 200U);

    // "Second test": the same names, nothing left over.
    EXPECT_EQ(server.request("GET", dms + "/instances?engine=kafka").json()["instance_num"].GetInt(), 0);
    const auto second_instance = create_instance(server);
    EXPECT_NE(second_instance, first_instance);
    create_topic(server, second_instance, "orders", 1);
    send(server, second_instance, "orders", "second", 0);
    const auto messages =
        server.request("GET", partition_path(second_instance, "orders", "0") + "/beginning-message");
    EXPECT_TRUE(has_int(messages.json(), "offset", 0)) << messages.body;
    const auto group = server.request("GET", engine_group_path(second_instance, "billing"));
    EXPECT_TRUE(has_string(group.json()["group"], "state", "DEAD")) << group.body;

    EXPECT_TRUE(is_dis_error(server.request("GET", path("/streams/orders")), "DIS.4301",
                             "The stream does not exist. [orders][" + project_id + "]"));
    EXPECT_TRUE(is_dis_error(server.request("GET", path("/apps/billing")), "DIS.4332", "app not found."));
    create_stream(server, "orders", 1);
    ASSERT_EQ(create_app(server, "billing").status, 201U);
    const auto checkpoint = server.request("GET", checkpoint_path("billing", "orders", 0));
    EXPECT_EQ(checkpoint.body, R"({"sequence_number":"-1","metadata":""})");
    const auto stream = server.request("GET", path("/streams/orders")).json();
    EXPECT_TRUE(has_string(stream["partitions"][0], "sequence_number_range", "[0 : 0]"));
    expect_health_counts(server, {1, 1, 1, 1, 1, 0, 1, 0});
}

TEST(emulator_reset, a_project_id_resets_only_that_project_in_both_services) {
    test_server server;
    const auto mine = create_instance(server);
    create_stream(server, "clicks", 1, project_id);
    create_stream(server, "clicks", 1, other_project_id);
    put_record(server, "clicks", 0, "YQ==", other_project_id);
    const auto theirs =
        server.request("POST", "/v2/" + other_project_id + "/kafka/instances", instance_body());
    ASSERT_EQ(theirs.status, 200U) << theirs.body;
    const std::string their_instance = theirs.json()["instance_id"].GetString();
    const auto other_before = export_state(server, "?project_id=" + other_project_id);

    const auto reply = control(server, "POST", "/_emulator/reset?project_id=" + project_id + "&faults=false");
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_EQ(reply.body,
              R"({"reset":"project","project_id":")" + project_id + R"(","faults_cleared":false})");
    expect_dms_error(server.request("GET", instance_path(mine)), 404, "DMS.00404022", no_instance);
    EXPECT_EQ(server.request("GET", path("/streams/clicks")).status, 400U);
    EXPECT_EQ(export_state(server, "?project_id=" + other_project_id), other_before);
    EXPECT_EQ(server.request("GET", "/v2/" + other_project_id + "/instances/" + their_instance).status, 200U);
    expect_health_counts(server, {1, 1, 0, 0, 1, 1, 0, 0});

    // A project with nothing in it resets fine.
    EXPECT_EQ(control(server, "POST", "/_emulator/reset?project_id=" + project_id).status, 200U);
}

TEST(emulator_reset, bad_parameters_are_refused_and_change_nothing) {
    test_server server;
    create_stream(server, "clicks", 1);
    const auto before = export_state(server);
    expect_bad_input(control(server, "POST", "/_emulator/reset?project_id=abc"),
                     "project_id must be 32 hexadecimal characters.");
    expect_bad_input(control(server, "POST", "/_emulator/reset?project_id="),
                     "project_id must be 32 hexadecimal characters.");
    expect_bad_input(control(server, "POST", "/_emulator/reset?faults=yes"), "faults must be true or false.");
    expect_bad_input(control(server, "POST", "/_emulator/reset?project=" + project_id),
                     "Unknown query parameter 'project'.");
    EXPECT_EQ(export_state(server), before);
    // The other methods are not routes.
    EXPECT_EQ(control(server, "GET", "/_emulator/reset").status, 404U);
}

std::size_t fault_rule_count(const test_server& server) {
    const auto listed = control(server, "GET", "/_emulator/faults");
    rapidjson::Document doc;
    doc.Parse(listed.body.c_str());
    return doc.IsObject() && doc.HasMember("faults") && doc["faults"].IsArray() ? doc["faults"].Size() : 999;
}

TEST(emulator_reset, keeps_fault_rules_unless_asked_and_clears_them_with_faults_true) {
    test_server server;
    ASSERT_EQ(
        control(server, "POST", "/_emulator/faults", R"({"operation":"ListStreams","status":500})").status,
        201U);
    EXPECT_EQ(control(server, "POST", "/_emulator/reset").body,
              R"({"reset":"all","project_id":null,"faults_cleared":false})");
    EXPECT_EQ(control(server, "POST", "/_emulator/reset?faults=false").body,
              R"({"reset":"all","project_id":null,"faults_cleared":false})");
    EXPECT_EQ(fault_rule_count(server), 1U);
    EXPECT_EQ(server.request("GET", "/v2/" + project_id + "/streams").status, 500U);  // the rule still fires

    const auto reply = control(server, "POST", "/_emulator/reset?project_id=" + project_id + "&faults=true");
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_EQ(reply.body,
              R"({"reset":"project","project_id":")" + project_id + R"(","faults_cleared":true})");
    EXPECT_EQ(fault_rule_count(server), 0U);
    EXPECT_EQ(server.request("GET", "/v2/" + project_id + "/streams").status, 200U);
}

TEST(replace_state, adds_the_documents_fault_rules_or_with_a_bad_rule_changes_nothing) {
    test_server server;
    const std::string document =
        R"({"faults":[{"operation":"ListStreams","status":503,"count":1}],"projects":[]})";
    const auto replaced = control(server, "PUT", "/_emulator/state", document);
    ASSERT_EQ(replaced.status, 200U) << replaced.body;
    EXPECT_EQ(fault_rule_count(server), 1U);
    EXPECT_EQ(server.request("GET", "/v2/" + project_id + "/streams").status, 503U);
    EXPECT_EQ(server.request("GET", "/v2/" + project_id + "/streams").status, 200U);  // count 1: spent

    // A bad rule refuses the whole document: no state and no rule from it.
    const std::string bad =
        R"({"faults":[{"operation":"NoSuchOperation","status":500}],"projects":[{"project_id":")" +
        project_id + R"(","dis":{"apps":[{"app_name":"audit"}]}}]})";
    const auto refused = control(server, "POST", "/_emulator/state", bad);
    EXPECT_EQ(refused.status, 400U);
    EXPECT_NE(refused.body.find("$.faults[0]"), std::string::npos) << refused.body;
    EXPECT_EQ(fault_rule_count(server), 0U);
    EXPECT_EQ(export_state(server), R"({"projects":[]})");
}

// ---- export -------------------------------------------------------------------------------------------

TEST(export_state, of_an_empty_emulator_is_an_empty_project_list) {
    test_server server;
    EXPECT_EQ(export_state(server), R"({"projects":[]})");
    EXPECT_EQ(export_state(server, "?project_id=" + project_id), R"({"projects":[]})");
}

TEST(export_state, writes_every_field_of_the_fixture_format) {
    test_server server;
    const auto instance = create_instance(server);
    create_topic(server, instance, "orders", 1);
    const auto sent =
        server.request("POST", send_path(instance),
                       R"({"topic":"orders","body":"hello","property_list":[{"name":"KEY","value":"k1"},)"
                       R"({"name":"PARTITION","value":"0"}]})");
    ASSERT_EQ(sent.status, 200U) << sent.body;
    create_stream(server, "clicks", 1);
    put_record(server, "clicks", 0, "YQ==");
    ASSERT_EQ(create_app(server, "billing").status, 201U);
    commit(server, "billing", "clicks", 0, 1, "w1");
    ASSERT_FALSE(HasFailure());
    const std::string t = std::to_string(t0);
    const auto info = server.request("GET", instance_path(instance)).json();
    const auto stream = server.request("GET", path("/streams/clicks")).json();
    const auto app = server.request("GET", path("/apps/billing")).json();
    EXPECT_EQ(
        export_state(server),
        R"({"projects":[{"project_id":")" + project_id + R"(","kafka":{"instances":[{"instance_id":")" +
            instance + R"(","name":"emu-kafka-01","description":")" + info["description"].GetString() +
            R"(","engine":"kafka","engine_version":"3.x","product_id":"c6.2u4g.cluster",)"
            R"("storage_spec_code":"dms.physical.storage.ultra.v2","broker_num":3,"storage_space":300,)"
            R"("vpc_id":")" +
            info["vpc_id"].GetString() + R"(","subnet_id":")" + info["subnet_id"].GetString() +
            R"(","security_group_id":")" + info["security_group_id"].GetString() +
            R"(","available_zones":["az-1"],"ssl_enable":false,"enable_auto_topic":false,)"
            R"("kafka_configs":[{"name":"default.replication.factor","value":"3"},)"
            R"({"name":"log.retention.hours","value":"72"},{"name":"num.partitions","value":"3"}],)"
            R"("enterprise_project_id":"0","status":"RUNNING","created_at":)" +
            t +
            R"(,"topics":[{"id":"orders","partition":1,"replication":3,"retention_time":72,)"
            R"("sync_replication":false,"sync_message_flush":false,"topic_desc":"","topic_other_configs":[],)"
            R"("created_at":)" +
            t + R"(,"partitions":[{"partition":0,"log_start_offset":0,"last_update_time":)" + t +
            R"(,"messages":[{"key":"k1","value":"hello","timestamp":)" + t + R"(,"appended_at":)" + t +
            R"(}]}]}],"groups":[]}]},"dis":{"streams":[{"stream_name":"clicks","partition_count":1,)"
            R"("stream_type":"COMMON","data_type":"BLOB","data_duration":24,"auto_scale_enabled":false,)"
            R"("auto_scale_min_partition_count":0,"auto_scale_max_partition_count":0,"tags":[],"sys_tags":[],)"
            R"("stream_id":")" +
            stream["stream_id"].GetString() + R"(","create_time":)" + t + R"(,"last_modified_time":)" + t +
            R"(,"update_partition_counts":[],"partitions":[{"partition_id":)"
            R"("shardId-0000000000","status":"ACTIVE","first_sequence_number":0,"records":[{"data":"YQ==",)"
            R"("timestamp":)" +
            t + R"(,"accepted_at":)" + t + R"(}]}]}],"apps":[{"app_name":"billing","app_id":")" +
            app["app_id"].GetString() + R"(","create_time":)" + t +
            R"(}],"checkpoints":[{"app_name":"billing","stream_name":"clicks","partition_id":"shardId-0000000000",)"
            R"("checkpoint_type":"LAST_READ","sequence_number":"1","metadata":"w1"}]}}]})");
}

TEST(export_state, a_project_id_exports_that_project_only) {
    test_server server;
    create_stream(server, "mine", 1, project_id);
    create_stream(server, "theirs", 1, other_project_id);
    const auto mine = export_state(server, "?project_id=" + project_id);
    EXPECT_NE(mine.find(R"("stream_name":"mine")"), std::string::npos);
    EXPECT_EQ(mine.find(R"("stream_name":"theirs")"), std::string::npos);
    EXPECT_EQ(mine.find(other_project_id), std::string::npos);
    const auto doc = http_reply{200, {}, mine}.json();
    ASSERT_EQ(doc["projects"].Size(), 1U);
    EXPECT_TRUE(has_string(doc["projects"][0], "project_id", project_id));
    EXPECT_EQ(export_state(server, "?project_id=00000000000000000000000000000000"), R"({"projects":[]})");
    expect_bad_input(control(server, "GET", "/_emulator/state?project_id=xyz"),
                     "project_id must be 32 hexadecimal characters.");
    expect_bad_input(control(server, "GET", "/_emulator/state?pretty=1"),
                     "Unknown query parameter 'pretty'.");
}

// ---- export then import -----------------------------------------------------------------------------

// Builds state through the API in both services, with deletions, groups with offsets, retention that has
// moved log starts and sequence ranges past a committed checkpoint, and streams scaled down and up.
class state_round_trip : public ::testing::Test {
  protected:
    void SetUp() override {
        auto& s = a_;
        instance_ = create_instance(s);
        create_topic(s, instance_, "orders", 3);
        create_topic(s, instance_, "audit", 1);
        create_topic(s, instance_, "doomed", 1);
        // audit keeps messages for one hour; orders loses its first messages to a deletion.
        ASSERT_EQ(s.request("PUT", topics_path(instance_),
                            R"({"topics":[{"id":"audit","retention_time":1,"new_partition_numbers":2,)"
                            R"("topic_other_configs":[{"name":"max.message.bytes","value":"2048"}]},)"
                            R"({"id":"doomed","retention_time":0}]})")
                      .status,
                  204U);
        for (int i = 0; i < 5; ++i)
            send(s, instance_, "orders", "order-" + std::to_string(i), 0, "k" + std::to_string(i));
        send(s, instance_, "orders", "p1", 1);
        send(s, instance_, "audit", "old", 0);
        s.clock().now_ms += 30 * 60'000;
        send(s, instance_, "audit", "new", 0);
        send(s, instance_, "audit", "other", 1);
        ASSERT_EQ(s.request("POST", post_delete_path(instance_, "orders"),
                            R"({"partitions":[{"partition":0,"offset":2},{"partition":1,"offset":-1}]})")
                      .status,
                  200U);
        create_group(s, instance_, "billing");
        create_group(s, instance_, "idle");
        ASSERT_EQ(
            s.request("PUT", engine_group_path(instance_, "billing"), R"({"group_desc":"pays"})").status,
            204U);
        ASSERT_EQ(s.request("PUT", engine_group_path(instance_, "billing") + "/reset-message-offset",
                            R"({"topic":"orders","partition":-1,"message_offset":3})")
                      .status,
                  204U);
        ASSERT_EQ(s.request("PUT", engine_group_path(instance_, "billing") + "/reset-message-offset",
                            R"({"topic":"audit","partition":0,"message_offset":0})")
                      .status,
                  204U);
        // A second instance in another project, deleted topics and all.
        const auto other =
            s.request("POST", "/v2/" + other_project_id + "/kafka/instances", instance_body("emu-other"));
        ASSERT_EQ(other.status, 200U) << other.body;

        // DIS: a stream scaled 3 -> 1 -> 2 (partition 2 stays DELETED), retention past a checkpoint.
        create_stream(
            s, "orders", 3, project_id,
            R"(,"data_type":"JSON","tags":[{"key":"team","value":"billing"}],"compression_format":"gzip")");
        create_stream(s, "gone", 1);
        for (int p = 0; p < 3; ++p) put_record(s, "orders", p, "b3JkZXI=");
        ASSERT_EQ(
            s.request("POST", path("/records"),
                      R"({"stream_name":"orders","records":[{"data":"a2V5ZWQ=","partition_key":"customer-7",)"
                      R"("partition_id":"0"}]})")
                .status,
            200U);
        ASSERT_EQ(create_app(s, "billing").status, 201U);
        ASSERT_EQ(create_app(s, "audit").status, 201U);
        commit(s, "billing", "orders", 0, 1, "worker-1");
        commit(s, "billing", "orders", 2, 1, "worker-2");
        commit(s, "audit", "gone", 0, 0, "");
        s.clock().now_ms += 60'000;
        scale(s, "orders", 1);
        s.clock().now_ms += 60'000;
        scale(s, "orders", 2);
        ASSERT_EQ(s.request("DELETE", path("/streams/gone")).status, 204U);
        s.clock().now_ms += 23 * hour_ms;
        put_record(s, "orders", 0, "bGF0ZQ==");
        s.clock().now_ms += 90 * 60'000;  // records 0 and 1 of partition 0 leave; the checkpoint at 1 stays
        ASSERT_EQ(create_app(s, "reader", other_project_id).status, 201U);
        ASSERT_FALSE(HasFailure());
    }

    // What a client sees of the state, through the cloud APIs (same clock on both servers).
    std::vector<std::string> answers(const test_server& s) const {
        std::vector<std::string> out;
        // Each server's instances listen on ports of their own: the answers agree on everything else.
        static const std::regex port(R"re(("port":|127\.0\.0\.1:)[0-9]+)re");
        const auto get = [&](const std::string& target) {
            out.push_back(target + " -> " +
                          std::regex_replace(s.request("GET", target).body, port, "$1PORT"));
        };
        get(dms + "/instances?engine=kafka");
        get("/v2/" + other_project_id + "/instances?engine=kafka");
        get(topics_path(instance_));
        for (const std::string topic : {"orders", "audit", "doomed"}) {
            get(partitions_path(instance_, topic));
            get(instance_path(instance_) + "/management/topics/" + topic + "/messages?limit=50");
            get(instance_path(instance_) + "/management/topics/" + topic);
        }
        get(partition_path(instance_, "orders", "0") + "/message?message_offset=3");
        get(instance_path(instance_) + "/groups");
        for (const std::string group : {"billing", "idle"}) {
            get(engine_group_path(instance_, group));
            get(engine_group_path(instance_, group) + "/message-offset?topic=orders");
            get(engine_group_path(instance_, group) + "/message-offset?topic=audit");
            get(engine_group_path(instance_, group) + "/topics");
        }
        get(path("/streams"));
        get(path("/streams/orders"));
        get(path("/apps"));
        get(path("/apps", other_project_id));
        get(path("/apps/billing/streams/orders?checkpoint_type=LAST_READ"));
        for (int p = 0; p < 3; ++p) get(checkpoint_path("billing", "orders", p));
        for (int p = 0; p < 2; ++p) {
            const auto cursor =
                s.request("GET", path("/cursors?stream-name=orders&partition-id=" + std::to_string(p) +
                                      "&cursor-type=TRIM_HORIZON"));
            out.push_back("cursor " + std::to_string(p) + " -> " + cursor.body);
            if (cursor.status == 200U) {
                get(path(std::string("/records?partition-cursor=") +
                         cursor.json()["partition_cursor"].GetString()));
            }
        }
        return out;
    }

    test_server a_;
    test_server b_;
    std::string instance_;
};

TEST_F(state_round_trip, export_then_put_into_a_fresh_server_reproduces_the_same_state) {
    const auto exported = export_state(a_);
    b_.clock().now_ms = a_.clock().now_ms.load();
    const auto put = control(b_, "PUT", "/_emulator/state", exported);
    ASSERT_TRUE(is_json_answer(put)) << put.body;
    const auto put_json = put.json();
    expect_counts(put_json["counts"], {2, 2, 3, 3, 1, 1, 3, 2});
    EXPECT_EQ(export_state(b_), exported);
    EXPECT_EQ(answers(b_), answers(a_));
    // What the comparison covers: a checkpoint retention has passed, a scaled stream, offsets after a
    // deletion.
    EXPECT_EQ(b_.request("GET", checkpoint_path("billing", "orders", 0)).body,
              R"({"sequence_number":"1","metadata":"worker-1"})");
    const auto stream = b_.request("GET", path("/streams/orders")).json();
    EXPECT_TRUE(has_string(stream["partitions"][0], "sequence_number_range", "[2 : 3]"));
    EXPECT_TRUE(has_string(stream["partitions"][1], "status", "ACTIVE"));
    EXPECT_TRUE(has_string(stream["partitions"][2], "status", "EXPIRED"));
    EXPECT_EQ(stream["update_partition_counts"].Size(), 2U);
    const auto offsets =
        b_.request("GET", engine_group_path(instance_, "billing") + "/message-offset?topic=orders");
    EXPECT_NE(offsets.body.find(R"("message_current_offset":3)"), std::string::npos) << offsets.body;
    const auto p0 = b_.request("GET", partition_path(instance_, "orders", "0") + "/beginning-message").json();
    EXPECT_TRUE(has_int(p0, "offset", 2));
    EXPECT_TRUE(control(b_, "GET", "/_emulator/health").json()["counts"] ==
                control(a_, "GET", "/_emulator/health").json()["counts"]);

    // Time goes on the same way on both: retention counts from the original accept times, and the DELETED
    // partition expires at the same moment.
    for (const auto step : {20 * hour_ms, 5 * hour_ms, 30 * hour_ms}) {
        a_.clock().now_ms += step;
        b_.clock().now_ms += step;
        EXPECT_EQ(answers(b_), answers(a_));
        EXPECT_EQ(export_state(b_), export_state(a_));
    }
}

TEST_F(state_round_trip, a_second_export_import_cycle_is_byte_identical) {
    const auto first = export_state(a_);
    b_.clock().now_ms = a_.clock().now_ms.load();
    ASSERT_EQ(control(b_, "PUT", "/_emulator/state", first).status, 200U);
    ASSERT_EQ(control(a_, "POST", "/_emulator/reset").status, 200U);
    ASSERT_EQ(control(a_, "PUT", "/_emulator/state", export_state(b_)).status, 200U);
    EXPECT_EQ(export_state(a_), first);
}

TEST_F(state_round_trip, merging_the_export_into_itself_changes_nothing) {
    const auto before = export_state(a_);
    const auto before_answers = answers(a_);
    const auto merged = control(a_, "POST", "/_emulator/state", before);
    ASSERT_TRUE(is_json_answer(merged)) << merged.body;
    EXPECT_EQ(export_state(a_), before);
    EXPECT_EQ(answers(a_), before_answers);
}

// ---- replace ------------------------------------------------------------------------------------------

const std::string small_doc =
    R"({"projects":[{"project_id":")" + project_id +
    R"(","dis":{"streams":[{"stream_name":"fresh","partition_count":1,"records":[{"partition_id":"0","data":"YQ=="}]}],)"
    R"("apps":[{"app_name":"fresh-app"}]}}]})";

TEST(replace_state, drops_everything_not_in_the_document) {
    test_server server;
    const auto instance = create_instance(server);
    create_stream(server, "old", 1);
    create_stream(server, "old", 1, other_project_id);
    const auto reply = control(server, "PUT", "/_emulator/state", small_doc);
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_EQ(
        reply.body,
        R"({"counts":{"projects":1,"instances":0,"topics":0,"messages":0,"streams":1,"records":1,"apps":1,"checkpoints":0}})");
    expect_dms_error(server.request("GET", instance_path(instance)), 404, "DMS.00404022", no_instance);
    EXPECT_EQ(server.request("GET", path("/streams/old")).status, 400U);
    EXPECT_EQ(server.request("GET", path("/streams/old", other_project_id)).status, 400U);
    EXPECT_EQ(server.request("GET", path("/streams/fresh")).status, 200U);
    // An empty document empties the emulator.
    ASSERT_EQ(control(server, "PUT", "/_emulator/state", R"({"projects":[]})").status, 200U);
    EXPECT_EQ(export_state(server), R"({"projects":[]})");
    ASSERT_EQ(control(server, "PUT", "/_emulator/state", "{}").status, 200U);
}

// Every refusal names the problem the way --fixture does, and the state stays exactly as it was, even when
// the problem is found after part of the document was loaded.
TEST(replace_state, an_invalid_document_is_refused_and_changes_nothing) {
    test_server server;
    const auto instance = create_instance(server);
    create_topic(server, instance, "orders", 1);
    send(server, instance, "orders", "kept", 0);
    create_stream(server, "kept", 1);
    const auto before = export_state(server);
    const auto refused = [&](const std::string& body, const std::string& message) {
        for (const auto* method : {"PUT", "POST"}) {
            expect_bad_input(control(server, method, "/_emulator/state", body), message);
            EXPECT_EQ(export_state(server), before) << method << " " << body;
        }
    };
    refused("", "request body: $: not valid JSON at byte 0: The document is empty.");
    refused("[]", "request body: $: must be an object");
    refused(R"({"projects":[],"extra":1})", "request body: $.extra: unknown key");
    refused(R"({"projects":[{"project_id":"nope"}]})",
            "request body: $.projects[0].project_id: must be 32 hexadecimal characters");
    // The first project is fine and would load; the second is not.
    refused(
        R"({"projects":[{"project_id":")" + other_project_id +
            R"(","dis":{"streams":[{"stream_name":"new","partition_count":1}]}},)"
            R"({"project_id":")" +
            project_id + R"(","dis":{"streams":[{"stream_name":"s","partition_count":0}]}}]})",
        "request body: $.projects[1].dis.streams[0]: Invalid request. [partition_count: must be from 1 to "
        "2147483647] (DIS.4200)");
    refused(
        R"({"projects":[{"project_id":")" + project_id +
            R"(","dis":{"streams":[{"stream_name":"s","partition_count":1,"records":[],"partitions":[]}]}}]})",
        "request body: $.projects[0].dis.streams[0]: give records either by stream (records) or by partition "
        "(partitions), not both");
    refused(
        R"({"projects":[{"project_id":")" + project_id +
            R"(","dis":{"streams":[{"stream_name":"s","partition_count":1,"partitions":[{"partition_id":"2",)"
            R"("status":"DELETED"}]}]}}]})",
        "request body: $.projects[0].dis.streams[0].partitions: partition shardId-0000000001 is missing");
    refused(
        R"({"projects":[{"project_id":")" + project_id +
            R"(","dis":{"streams":[{"stream_name":"s","partition_count":1,"partitions":[{"partition_id":"0",)"
            R"("status":"EXPIRED"}]}]}}]})",
        "request body: $.projects[0].dis.streams[0].partitions[0].status: a partition below partition_count "
        "is "
        "ACTIVE");
    // A checkpoint past the partition's next sequence number could never have been committed.
    refused(
        R"({"projects":[{"project_id":")" + project_id +
            R"(","dis":{"streams":[{"stream_name":"s","partition_count":1}],"apps":[{"app_name":"a"}],)"
            R"("checkpoints":[{"app_name":"a","stream_name":"s","partition_id":"0","sequence_number":"1"}]}}]})",
        "request body: $.projects[0].dis.checkpoints[0]: Sequence_number out of range. [1][ should be within "
        "][0][ ][0] "
        "(DIS.4224)");
}

// ---- merge --------------------------------------------------------------------------------------------

TEST(merge_state, adds_new_entities_replaces_same_named_ones_and_keeps_the_rest) {
    test_server server;
    const auto instance = create_instance(server);
    create_topic(server, instance, "orders", 1);
    send(server, instance, "orders", "kept", 0);
    create_stream(server, "kept", 1);
    create_stream(server, "replaced", 2);
    put_record(server, "replaced", 1, "b2xk");
    ASSERT_EQ(create_app(server, "billing").status, 201U);
    commit(server, "billing", "replaced", 1, 1, "old");
    commit(server, "billing", "kept", 0, 0, "stays");
    ASSERT_FALSE(HasFailure());

    const std::string doc =
        R"({"projects":[{"project_id":")" + project_id +
        R"(","kafka":{"instances":[{"name":"emu-kafka-02","topics":[{"id":"fresh","partition":1}]}]},)"
        R"("dis":{"streams":[{"stream_name":"replaced","partition_count":1,"records":[{"partition_id":"0","data":"bmV3"}]},)"
        R"({"stream_name":"added","partition_count":1}]}}]})";
    const auto reply = control(server, "POST", "/_emulator/state", doc);
    ASSERT_TRUE(is_json_answer(reply)) << reply.body;
    EXPECT_EQ(
        reply.body,
        R"({"counts":{"projects":1,"instances":2,"topics":2,"messages":1,"streams":3,"records":1,"apps":1,"checkpoints":1}})");
    // Kept: the first instance with its message, the stream "kept" and its checkpoint, the app.
    EXPECT_EQ(server.request("GET", instance_path(instance)).status, 200U);
    EXPECT_EQ(server.request("GET", checkpoint_path("billing", "kept", 0)).body,
              R"({"sequence_number":"0","metadata":"stays"})");
    // Replaced: the stream as the document has it; the checkpoint on the stored one went with it.
    const auto replaced = server.request("GET", path("/streams/replaced")).json();
    EXPECT_TRUE(has_int(replaced, "writable_partition_count", 1));
    EXPECT_TRUE(is_dis_error(server.request("GET", checkpoint_path("billing", "replaced", 1)), "DIS.4302",
                             "Partition does not exist. [shardId-0000000001]"));
    EXPECT_EQ(server.request("GET", path("/streams/added")).status, 200U);

    // The same instance again by name: replaced, not duplicated; its topic list is the document's.
    const std::string again =
        R"({"projects":[{"project_id":")" + project_id +
        R"(","kafka":{"instances":[{"name":"emu-kafka-02","topics":[{"id":"other","partition":2}]}]}}]})";
    ASSERT_EQ(control(server, "POST", "/_emulator/state", again).status, 200U);
    const auto list = server.request("GET", dms + "/instances?engine=kafka&name=emu-kafka-02").json();
    ASSERT_EQ(list["instances"].Size(), 1U);
    const std::string replaced_id = list["instances"][0]["instance_id"].GetString();
    const auto topics = server.request("GET", topics_path(replaced_id)).json();
    ASSERT_EQ(topics["topics"].Size(), 1U);
    EXPECT_TRUE(has_string(topics["topics"][0], "name", "other"));
}

TEST(merge_state, a_checkpoint_may_refer_to_a_stored_stream_and_app) {
    test_server server;
    create_stream(server, "orders", 1);
    put_record(server, "orders", 0, "YQ==");
    ASSERT_EQ(create_app(server, "billing").status, 201U);
    const std::string doc = R"({"projects":[{"project_id":")" + project_id +
                            R"(","dis":{"checkpoints":[{"app_name":"billing","stream_name":"orders",)"
                            R"("partition_id":"0","sequence_number":"1","metadata":"merged"}]}}]})";
    ASSERT_EQ(control(server, "POST", "/_emulator/state", doc).status, 200U);
    EXPECT_EQ(server.request("GET", checkpoint_path("billing", "orders", 0)).body,
              R"({"sequence_number":"1","metadata":"merged"})");
    // PUT has no stored state to refer to.
    expect_bad_input(control(server, "PUT", "/_emulator/state", doc),
                     "request body: $.projects[0].dis.checkpoints[0]: The stream does not exist. [orders][" +
                         project_id + "] (DIS.4301)");
}

TEST(merge_state, an_entity_named_twice_in_the_document_is_refused) {
    test_server server;
    create_stream(server, "orders", 1);
    const auto before = export_state(server);
    const std::string doc = R"({"projects":[{"project_id":")" + project_id +
                            R"(","dis":{"streams":[{"stream_name":"orders","partition_count":1},)"
                            R"({"stream_name":"orders","partition_count":2}]}}]})";
    expect_bad_input(control(server, "POST", "/_emulator/state", doc),
                     "request body: $.projects[0].dis.streams[1]: The stream already exists. (DIS.4307)");
    EXPECT_EQ(export_state(server), before);
}

// ---- concurrency --------------------------------------------------------------------------------------

// Loads and resets while clients keep sending: every answer is a well-formed success or a "no such stream"
// (the stream is briefly gone between a reset and the next load), and the server stays consistent.
TEST(state_loads, run_safely_beside_cloud_api_traffic) {
    test_server server;
    create_stream(server, "clicks", 1);
    const auto doc = export_state(server);
    std::atomic<bool> done{false};
    std::atomic<int> unexpected{0};
    std::thread sender([&] {
        while (!done.load()) {
            const auto reply =
                server.request("POST", path("/records"),
                               R"({"stream_name":"clicks","records":[{"data":"YQ==","partition_id":"0"}]})");
            const bool missing = reply.status == 400U && reply.body.find("DIS.4301") != std::string::npos;
            if (reply.status != 200U && !missing) ++unexpected;
        }
    });
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(control(server, "PUT", "/_emulator/state", doc).status, 200U);
        EXPECT_EQ(control(server, "POST", "/_emulator/state", doc).status, 200U);
        EXPECT_EQ(control(server, "GET", "/_emulator/state").status, 200U);
        EXPECT_EQ(control(server, "POST", "/_emulator/reset").status, 200U);
    }
    done = true;
    sender.join();
    EXPECT_EQ(unexpected.load(), 0);
    ASSERT_EQ(control(server, "PUT", "/_emulator/state", doc).status, 200U);
    EXPECT_EQ(export_state(server), doc);
}

}  // namespace
}  // namespace emu::test
