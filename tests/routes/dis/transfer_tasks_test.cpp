// Route tests for DIS transfer (dump) tasks, kept as configuration with their states: creation validated
// per destination type, list, show, update, start/stop, delete, the DIS.435x errors, the export, and that
// a refused call stores nothing. No data is delivered anywhere.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/dis_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

constexpr std::int64_t start_ms = 1'700'000'000'000;

std::string obs(const std::string& name, const std::string& extra = "") {
    return R"({"destination_type":"OBS","obs_destination_descriptor":{"task_name":")" + name +
           R"(","obs_bucket_path":"bucket","deliver_time_interval":300)" + extra + "}}";
}

class dis_transfer_tasks : public testing::Test {
  protected:
    void SetUp() override {
        ASSERT_EQ(server.request("POST", path("/streams"), R"({"stream_name":"orders","partition_count":2})")
                      .status,
                  201U);
    }
    http_reply create(const std::string& body) {
        return server.request("POST", path("/streams/orders/transfer-tasks"), body);
    }
    std::string names() {
        const auto reply = server.request("GET", path("/streams/orders/transfer-tasks"));
        EXPECT_TRUE(is_json_answer(reply)) << reply.body;
        std::string out;
        const auto body = reply.json();
        for (const auto& t : body["tasks"].GetArray())
            out += (out.empty() ? "" : ",") + std::string(t["task_name"].GetString()) + ":" +
                   t["state"].GetString();
        return out;
    }
    test_server server;
};

TEST_F(dis_transfer_tasks, lifecycle_of_an_obs_task) {
    EXPECT_TRUE(is_empty_answer(
        create(obs("nightly", R"(,"consumer_strategy":"TRIM_HORIZON","file_prefix":"a/b")")), 201));
    const auto listed = server.request("GET", path("/streams/orders/transfer-tasks"));
    ASSERT_TRUE(is_json_answer(listed));
    const auto list = listed.json();
    EXPECT_TRUE(has_members(list, {"total_number", "quota", "tasks"}));
    EXPECT_TRUE(has_int(list, "total_number", 1));
    EXPECT_TRUE(has_int(list, "quota", 4));
    const auto& summary = list["tasks"][0];
    EXPECT_TRUE(has_members(summary, {"task_name", "task_id", "state", "destination_type", "create_time",
                                      "last_transfer_timestamp"}));
    EXPECT_TRUE(has_string(summary, "state", "RUNNING"));
    EXPECT_TRUE(has_string(summary, "destination_type", "OBS"));
    EXPECT_TRUE(has_int(summary, "create_time", start_ms));
    EXPECT_TRUE(has_int(summary, "last_transfer_timestamp", 0));
    const std::string id = summary["task_id"].GetString();
    EXPECT_EQ(id.size(), 19U);

    const auto shown = server.request("GET", path("/streams/orders/transfer-tasks/nightly"));
    ASSERT_TRUE(is_json_answer(shown));
    EXPECT_EQ(
        shown.body,
        R"({"stream_name":"orders","task_name":"nightly","task_id":")" + id +
            R"(","state":"RUNNING","destination_type":"OBS","create_time":1700000000000,)"
            R"("last_transfer_timestamp":0,"partitions":[)"
            R"({"partition_id":"shardId-0000000000","status":"ACTIVE","sequence_number_range":"[0 : 0]"},)"
            R"({"partition_id":"shardId-0000000001","status":"ACTIVE","sequence_number_range":"[0 : 0]"}],)"
            R"("obs_destination_description":{"task_name":"nightly","obs_bucket_path":"bucket",)"
            R"("deliver_time_interval":300,"consumer_strategy":"TRIM_HORIZON","file_prefix":"a/b"}})");

    EXPECT_TRUE(is_dis_error(create(obs("nightly")), "DIS.4355", "The transfer task already exists."));
    // Stop by id, start by name.
    EXPECT_TRUE(is_empty_answer(server.request("POST", path("/streams/orders/transfer-tasks/action"),
                                               R"({"action":"stop","tasks":[{"id":")" + id + R"("}]})"),
                                200));
    EXPECT_EQ(names(), "nightly:PAUSED");
    EXPECT_TRUE(is_empty_answer(server.request("POST", path("/streams/orders/transfer-tasks/action"),
                                               R"({"action":"start","tasks":[{"id":"nightly"}]})"),
                                200));
    EXPECT_EQ(names(), "nightly:RUNNING");
    // One unknown task refuses the batch.
    EXPECT_TRUE(is_dis_error(server.request("POST", path("/streams/orders/transfer-tasks/action"),
                                            R"({"action":"stop","tasks":[{"id":"nightly"},{"id":"nope"}]})"),
                             "DIS.4354", "The transfer task does not exist."));
    EXPECT_TRUE(is_dis_error(server.request("POST", path("/streams/orders/transfer-tasks/action"),
                                            R"({"action":"pause","tasks":[{"id":"nightly"}]})"),
                             "DIS.4200", "Invalid request. [action: must be start or stop]"));
    EXPECT_EQ(names(), "nightly:RUNNING");

    // Update replaces the descriptor, keeps id and state.
    EXPECT_TRUE(is_empty_answer(server.request("PUT", path("/streams/orders/transfer-tasks"),
                                               R"({"destination_type":"OBS","obs_destination_descriptor":)"
                                               R"({"task_name":"nightly","obs_bucket_path":"other"}})"),
                                200));
    const auto updated = server.request("GET", path("/streams/orders/transfer-tasks/nightly")).json();
    EXPECT_TRUE(has_string(updated, "task_id", id));
    EXPECT_TRUE(has_string(updated["obs_destination_description"], "obs_bucket_path", "other"));
    EXPECT_TRUE(is_dis_error(server.request("PUT", path("/streams/orders/transfer-tasks"), obs("nope")),
                             "DIS.4354", "The transfer task does not exist."));

    EXPECT_TRUE(
        is_empty_answer(server.request("DELETE", path("/streams/orders/transfer-tasks/nightly")), 204));
    EXPECT_TRUE(is_dis_error(server.request("GET", path("/streams/orders/transfer-tasks/nightly")),
                             "DIS.4354", "The transfer task does not exist."));
    EXPECT_TRUE(is_dis_error(server.request("DELETE", path("/streams/orders/transfer-tasks/nightly")),
                             "DIS.4354", "The transfer task does not exist."));
    EXPECT_EQ(names(), "");
}

TEST_F(dis_transfer_tasks, every_destination_type_with_its_own_fields) {
    EXPECT_TRUE(
        is_empty_answer(create(R"({"destination_type":"MRS","mrs_destination_descriptor":{"task_name":"m",)"
                               R"("mrs_cluster_name":"c","mrs_cluster_id":"i","mrs_hdfs_path":"/p",)"
                               R"("obs_bucket_path":"b","retry_duration":"1800"}})"),
                        201));
    EXPECT_TRUE(
        is_empty_answer(create(R"({"destination_type":"DLI","dli_destination_descriptor":{"task_name":"l",)"
                               R"("dli_database_name":"d","dli_table_name":"t","obs_bucket_path":"b"}})"),
                        201));
    EXPECT_TRUE(is_empty_answer(
        create(
            R"({"destination_type":"DWS","dws_destination_descriptor":{"task_name":"w","dws_cluster_name":"c",)"
            R"("dws_cluster_id":"i","dws_database_name":"d","dws_schema":"s","dws_table_name":"t",)"
            R"("dws_delimiter":"|","user_name":"u","user_password":"secret","kms_user_key_name":"k",)"
            R"("kms_user_key_id":"ki","obs_bucket_path":"b","retry_duration":60}})"),
        201));
    EXPECT_TRUE(is_empty_answer(
        create(R"({"destination_type":"CLOUDTABLE","cloudtable_destination_descriptor":{"task_name":"c",)"
               R"("cloudtable_cluster_name":"c","cloudtable_cluster_id":"i","cloudtable_table_name":"t",)"
               R"("cloudtable_schema":{"row_key":[{"value":"a","type":"String"}],"columns":[]}}})"),
        201));
    EXPECT_TRUE(is_empty_answer(create(obs("x")), 201));
    EXPECT_TRUE(is_dis_error(create(obs("y")), "DIS.4357", "Exceeded transfer task quota."));
    EXPECT_TRUE(has_int(server.request("GET", path("/streams/orders/transfer-tasks")).json(), "quota", 0));
    EXPECT_EQ(names(), "c:RUNNING,l:RUNNING,m:RUNNING,w:RUNNING,x:RUNNING");
    // The DWS password is kept, never shown; each type under the SDK model's member.
    const auto dws = server.request("GET", path("/streams/orders/transfer-tasks/w"));
    EXPECT_EQ(dws.body.find("secret"), std::string::npos) << dws.body;
    EXPECT_TRUE(has_string(dws.json()["dws_destination_descripton"], "user_name", "u"));
    EXPECT_TRUE(has_string(server.request("GET", path("/streams/orders/transfer-tasks/c"))
                               .json()["cloudtable_destination_descripton"],
                           "cloudtable_table_name", "t"));
    EXPECT_TRUE(has_string(
        server.request("GET", path("/streams/orders/transfer-tasks/m")).json()["mrs_destination_description"],
        "mrs_hdfs_path", "/p"));
}

TEST_F(dis_transfer_tasks, bad_creations_store_nothing) {
    const auto refused = [&](const std::string& body, const std::string& detail) {
        return is_dis_error(create(body), "DIS.4200", "Invalid request. [" + detail + "]");
    };
    EXPECT_TRUE(is_dis_error(create(""), "DIS.4202", "Empty request."));
    EXPECT_TRUE(refused(R"({"destination_type":"S3"})",
                        "destination_type: must be OBS, MRS, DLI, CLOUDTABLE or DWS"));
    EXPECT_TRUE(refused(R"({"destination_type":"OBS"})", "obs_destination_descriptor: is required"));
    EXPECT_TRUE(refused(R"({"destination_type":"OBS","obs_destination_descriptor":{"obs_bucket_path":"b"}})",
                        "obs_destination_descriptor.task_name: is required"));
    EXPECT_TRUE(refused(obs("bad name"),
                        "obs_destination_descriptor.task_name: must be 1 to 64 letters, digits, _ or -"));
    EXPECT_TRUE(refused(R"({"destination_type":"OBS","obs_destination_descriptor":{"task_name":"t"}})",
                        "obs_destination_descriptor.obs_bucket_path: is required"));
    EXPECT_TRUE(refused(R"({"destination_type":"OBS","obs_destination_descriptor":{"task_name":"t",)"
                        R"("obs_bucket_path":"b","deliver_time_interval":10}})",
                        "obs_destination_descriptor.deliver_time_interval: must be from 30 to 900"));
    EXPECT_TRUE(refused(obs("t", R"(,"consumer_strategy":"EARLIEST")"),
                        "obs_destination_descriptor.consumer_strategy: unsupported value EARLIEST"));
    EXPECT_TRUE(
        refused(obs("t", R"(,"destination_file_type":"parquet")"),
                "obs_destination_descriptor.destination_file_type: parquet needs a stream of JSON data"));
    EXPECT_TRUE(refused(
        obs("t", R"(,"file_prefix":"/abs")"),
        "obs_destination_descriptor.file_prefix: must be at most 50 characters and not start with /"));
    EXPECT_TRUE(refused(
        R"({"destination_type":"DLI","dli_destination_descriptor":{"task_name":"t","obs_bucket_path":"b",)"
        R"("dli_database_name":"d"}})",
        "dli_destination_descriptor.dli_table_name: is required"));
    EXPECT_TRUE(refused(
        R"({"destination_type":"MRS","mrs_destination_descriptor":{"task_name":"t","obs_bucket_path":"b",)"
        R"("mrs_cluster_name":"c","mrs_cluster_id":"i","mrs_hdfs_path":"/p","retry_duration":"9999"}})",
        "mrs_destination_descriptor.retry_duration: must be from 0 to 7200 seconds"));
    EXPECT_TRUE(refused(
        R"({"destination_type":"CLOUDTABLE","cloudtable_destination_descriptor":{"task_name":"t",)"
        R"("cloudtable_cluster_name":"c","cloudtable_cluster_id":"i"}})",
        "cloudtable_destination_descriptor.cloudtable_schema: give it or opentsdb_schema, one of them"));
    EXPECT_TRUE(is_dis_error(server.request("POST", path("/streams/nope/transfer-tasks"), obs("t")),
                             "DIS.4301",
                             "The stream does not exist. [nope][" + std::string(project_id) + "]"));
    EXPECT_EQ(names(), "");
}

TEST_F(dis_transfer_tasks, they_go_with_their_stream_and_travel_in_the_export) {
    ASSERT_EQ(create(obs("nightly")).status, 201U);
    ASSERT_EQ(server
                  .request("POST", path("/streams/orders/transfer-tasks/action"),
                           R"({"action":"stop","tasks":[{"id":"nightly"}]})")
                  .status,
              200U);
    const std::string id =
        server.request("GET", path("/streams/orders/transfer-tasks/nightly")).json()["task_id"].GetString();
    const auto exported = server.request("GET", "/_emulator/state");
    ASSERT_EQ(exported.status, 200U);
    EXPECT_NE(exported.body.find(
                  R"("transfer_tasks":[{"destination_type":"OBS","obs_destination_descriptor":)"
                  R"({"task_name":"nightly","obs_bucket_path":"bucket","deliver_time_interval":300},)"
                  R"("task_id":")" +
                  std::string(id) + R"(","state":"PAUSED","create_time":1700000000000}])"),
              std::string::npos)
        << exported.body;

    test_server restored;
    ASSERT_EQ(restored.request("PUT", "/_emulator/state", exported.body).status, 200U);
    EXPECT_EQ(restored.request("GET", "/_emulator/state").body, exported.body);
    EXPECT_EQ(restored.request("GET", path("/streams/orders/transfer-tasks/nightly")).body,
              server.request("GET", path("/streams/orders/transfer-tasks/nightly")).body);

    // A stream without tasks exports no transfer_tasks member.
    ASSERT_EQ(
        server.request("POST", path("/streams"), R"({"stream_name":"plain","partition_count":1})").status,
        201U);
    const auto plain = server.request("GET", "/_emulator/state").body;
    EXPECT_EQ(plain.find("transfer_tasks"), plain.rfind("transfer_tasks"));

    ASSERT_EQ(server.request("DELETE", path("/streams/orders")).status, 204U);
    ASSERT_EQ(
        server.request("POST", path("/streams"), R"({"stream_name":"orders","partition_count":1})").status,
        201U);
    EXPECT_EQ(names(), "");
}

}  // namespace
}  // namespace emu::test
