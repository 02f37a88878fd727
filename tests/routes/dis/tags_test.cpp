// Route tests for DIS stream tags (CreateTag, BatchCreateTags/BatchDeleteTags, DeleteTag, ShowStreamTags,
// ListTags, ListResourcesByTags): one tag list per stream shared with CreateStream, the 10-tag limit, the
// DIS.46xx errors, and that a refused call changes nothing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/dis_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

class dis_tags : public testing::Test {
  protected:
    void SetUp() override {
        ASSERT_EQ(server
                      .request("POST", path("/streams"),
                               R"({"stream_name":"orders","partition_count":1,)"
                               R"("tags":[{"key":"team","value":"core"}]})")
                      .status,
                  201U);
        ASSERT_EQ(
            server.request("POST", path("/streams"), R"({"stream_name":"payments","partition_count":1})")
                .status,
            201U);
        orders = stream_id("orders");
        payments = stream_id("payments");
    }

    std::string stream_id(const std::string& name) {
        return server.request("GET", path("/streams/" + name)).json()["stream_id"].GetString();
    }
    // key=value of the stream's tags, in order, as ShowStreamTags gives them.
    std::string tags_of(const std::string& id) {
        const auto reply = server.request("GET", path("/stream/" + id + "/tags"));
        EXPECT_TRUE(is_json_answer(reply)) << reply.body;
        std::string out;
        const auto body = reply.json();
        for (const auto& tag : body["tags"].GetArray()) {
            EXPECT_TRUE(has_members(tag, {"key", "value"}));
            out += (out.empty() ? "" : ",") + std::string(tag["key"].GetString()) + "=" +
                   tag["value"].GetString();
        }
        return out;
    }
    http_reply batch(const std::string& id, const std::string& body) {
        return server.request("POST", path("/stream/" + id + "/tags/action"), body);
    }
    http_reply create_tag(const std::string& id, const std::string& key, const std::string& value) {
        return server.request("POST", path("/stream/" + id + "/tags"),
                              R"({"tag":{"key":")" + key + R"(","value":")" + value + R"("}})");
    }
    std::string filter(const std::string& body) {
        const auto reply = server.request("POST", path("/stream/resource_instances/action"), body);
        EXPECT_TRUE(is_json_answer(reply)) << reply.body;
        std::string out;
        const auto json = reply.json();
        for (const auto& r : json["resources"].GetArray())
            out += (out.empty() ? "" : ",") + std::string(r["resource_name"].GetString());
        return out + "/" + std::to_string(json["total_count"].GetInt64());
    }

    test_server server;
    std::string orders;
    std::string payments;
};

TEST_F(dis_tags, create_stream_tags_and_tag_routes_are_one_list) {
    EXPECT_EQ(tags_of(orders), "team=core");
    EXPECT_TRUE(is_empty_answer(create_tag(orders, "env", "prod"), 204));
    EXPECT_EQ(tags_of(orders), "team=core,env=prod");
    // ShowStream shows the same list.
    const auto shown = server.request("GET", path("/streams/orders")).json();
    ASSERT_EQ(shown["tags"].Size(), 2U);
    EXPECT_TRUE(has_string(shown["tags"][1], "key", "env"));
    // A key it has takes the new value.
    EXPECT_TRUE(is_empty_answer(create_tag(orders, "env", "dev"), 204));
    EXPECT_EQ(tags_of(orders), "team=core,env=dev");
    EXPECT_TRUE(is_empty_answer(server.request("DELETE", path("/stream/" + orders + "/tags/env")), 204));
    EXPECT_EQ(tags_of(orders), "team=core");
    EXPECT_TRUE(is_dis_error(server.request("DELETE", path("/stream/" + orders + "/tags/env")), "DIS.4604",
                             "The key does not exist."));
    EXPECT_EQ(tags_of(payments), "");
}

TEST_F(dis_tags, batch_create_and_delete_are_idempotent) {
    EXPECT_TRUE(is_empty_answer(
        batch(orders,
              R"({"action":"create","tags":[{"key":"team","value":"ops"},{"key":"env","value":"prod"}]})"),
        204));
    EXPECT_EQ(tags_of(orders), "team=ops,env=prod");
    EXPECT_TRUE(is_empty_answer(
        batch(orders, R"({"action":"delete","tags":[{"key":"env"},{"key":"missing"}]})"), 204));
    EXPECT_EQ(tags_of(orders), "team=ops");
    EXPECT_TRUE(is_empty_answer(batch(orders, R"({"action":"delete","tags":[{"key":"missing"}]})"), 204));
    // A key twice, another action, no tags: refused, nothing changes.
    EXPECT_TRUE(is_dis_error(batch(orders, R"({"action":"create","tags":[{"key":"a"},{"key":"a"}]})"),
                             "DIS.4200", "Invalid request. [tags: key a is given twice]"));
    EXPECT_TRUE(is_dis_error(batch(orders, R"({"action":"update","tags":[{"key":"a"}]})"), "DIS.4605",
                             "The action is not supported."));
    EXPECT_TRUE(is_dis_error(batch(orders, R"({"action":"create","tags":[]})"), "DIS.4200",
                             "Invalid request. [tags: is required]"));
    EXPECT_EQ(tags_of(orders), "team=ops");
}

TEST_F(dis_tags, a_stream_has_at_most_ten_tags) {
    for (int i = 1; i < 10; ++i) ASSERT_EQ(create_tag(orders, "k" + std::to_string(i), "v").status, 204U);
    const auto ten = tags_of(orders);
    EXPECT_TRUE(is_dis_error(create_tag(orders, "k10", "v"), "DIS.4601",
                             "The number of resource tags has reached the maximum."));
    EXPECT_TRUE(is_dis_error(
        batch(payments, R"({"action":"create","tags":[)"
                        R"({"key":"a"},{"key":"b"},{"key":"c"},{"key":"d"},{"key":"e"},{"key":"f"},)"
                        R"({"key":"g"},{"key":"h"},{"key":"i"},{"key":"j"},{"key":"k"}]})"),
        "DIS.4601", "The number of resource tags has reached the maximum."));
    EXPECT_EQ(tags_of(orders), ten);
    EXPECT_EQ(tags_of(payments), "");
    // Replacing a value of a full stream is no new tag.
    EXPECT_TRUE(is_empty_answer(create_tag(orders, "k1", "w"), 204));
}

TEST_F(dis_tags, bad_requests_change_nothing) {
    EXPECT_TRUE(
        is_dis_error(create_tag("NoSuchStream000001", "a", "b"), "DIS.4603", "The resource does not exist."));
    EXPECT_TRUE(is_dis_error(server.request("GET", path("/stream/NoSuchStream000001/tags")), "DIS.4603",
                             "The resource does not exist."));
    EXPECT_TRUE(is_dis_error(server.request("POST", path("/stream/" + orders + "/tags"), ""), "DIS.4202",
                             "Empty request."));
    EXPECT_TRUE(is_dis_error(server.request("POST", path("/stream/" + orders + "/tags"), "{"), "DIS.4300",
                             "Request error."));
    EXPECT_TRUE(is_dis_error(server.request("POST", path("/stream/" + orders + "/tags"), "{}"), "DIS.4200",
                             "Invalid request. [tag: is required]"));
    EXPECT_TRUE(is_dis_error(create_tag(orders, "", "v"), "DIS.4200",
                             "Invalid request. [tag.key: must be 1 to 36 characters]"));
    EXPECT_TRUE(is_dis_error(create_tag(orders, std::string(37, 'k'), "v"), "DIS.4200",
                             "Invalid request. [tag.key: must be 1 to 36 characters]"));
    EXPECT_TRUE(is_dis_error(create_tag(orders, "k", std::string(44, 'v')), "DIS.4200",
                             "Invalid request. [tag.value: must be at most 43 characters]"));
    EXPECT_EQ(tags_of(orders), "team=core");
}

TEST_F(dis_tags, list_tags_gathers_every_key_with_its_values) {
    ASSERT_EQ(create_tag(payments, "team", "billing").status, 204U);
    ASSERT_EQ(create_tag(payments, "env", "prod").status, 204U);
    ASSERT_EQ(create_tag(orders, "env", "prod").status, 204U);
    const auto reply = server.request("GET", path("/stream/tags"));
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_EQ(reply.body,
              R"({"tags":[{"key":"env","values":["prod"]},{"key":"team","values":["billing","core"]}]})");
    EXPECT_EQ(server.request("GET", path("/stream/tags", other_project_id)).body, R"({"tags":[]})");
}

TEST_F(dis_tags, resource_instances_filter_and_count) {
    ASSERT_EQ(create_tag(payments, "team", "billing").status, 204U);
    ASSERT_EQ(create_tag(payments, "env", "prod").status, 204U);
    EXPECT_EQ(filter(R"({"action":"filter"})"), "orders,payments/2");
    EXPECT_EQ(filter(R"({"action":"filter","tags":[{"key":"team","values":["core"]}]})"), "orders/1");
    EXPECT_EQ(filter(R"({"action":"filter","tags":[{"key":"team","values":[]}]})"), "orders,payments/2");
    EXPECT_EQ(filter(R"({"action":"filter","tags":[{"key":"team","values":[]},{"key":"env","values":[]}]})"),
              "payments/1");
    EXPECT_EQ(
        filter(
            R"({"action":"filter","tags_any":[{"key":"env","values":[]},{"key":"team","values":["core"]}]})"),
        "orders,payments/2");
    EXPECT_EQ(filter(R"({"action":"filter","not_tags_any":[{"key":"env","values":["prod"]}]})"), "orders/1");
    EXPECT_EQ(
        filter(R"({"action":"filter","not_tags":[{"key":"team","values":[]},{"key":"env","values":[]}]})"),
        "orders/1");
    EXPECT_EQ(filter(R"({"action":"filter","matches":[{"key":"resource_name","value":"pay"}]})"),
              "payments/1");
    EXPECT_EQ(filter(R"({"action":"filter","matches":"ord"})"), "orders/1");
    EXPECT_EQ(filter(R"({"action":"filter","limit":"1","offset":"1"})"), "payments/2");
    EXPECT_EQ(filter(R"({"action":"filter","limit":1})"), "orders/2");

    const auto counted = server.request("POST", path("/stream/resource_instances/action"),
                                        R"({"action":"count","tags":[{"key":"env","values":[]}]})");
    ASSERT_TRUE(is_json_answer(counted));
    EXPECT_EQ(counted.body, R"({"total_count":1})");

    const auto full = server.request("POST", path("/stream/resource_instances/action"),
                                     R"({"action":"filter","tags":[{"key":"env","values":[]}]})");
    EXPECT_EQ(full.body,
              R"({"resources":[{"resource_id":")" + payments +
                  R"(","resource_name":"payments","resource_detail":null,"tags":[)"
                  R"({"key":"team","value":"billing"},{"key":"env","value":"prod"}]}],"total_count":1})");

    const auto refused = [&](const std::string& body, const std::string& message) {
        return is_dis_error(server.request("POST", path("/stream/resource_instances/action"), body),
                            "DIS.4200", "Invalid request. [" + message + "]");
    };
    EXPECT_TRUE(refused(R"({"action":"list"})", "action: must be filter or count"));
    EXPECT_TRUE(refused(R"({"action":"filter","limit":"0"})", "limit: must be a number from 1 to 1000"));
    EXPECT_TRUE(refused(R"({"action":"filter","offset":"-1"})",
                        "offset: must be a number from 0 to 9223372036854775807"));
    EXPECT_TRUE(refused(R"({"action":"filter","tags":[{"key":""}]})", "tags[0].key: must not be empty"));
    EXPECT_TRUE(
        refused(R"({"action":"filter","tags":[{"key":"a"},{"key":"a"}]})", "tags[1].key: is given twice"));
    EXPECT_TRUE(refused(R"({"action":"filter","matches":[{"key":"resource_id","value":"x"}]})",
                        "matches[0].key: must be resource_name"));
}

}  // namespace
}  // namespace emu::test
