#include "routes/dis/protobuf.hpp"

#include <openssl/evp.h>

#include <stdexcept>

#include "routes/dis/records.pb.h"
#include "routes/dis/validation.hpp"
#include "routes/http/api_error.hpp"
#include "routes/http/json.hpp"
#include "routes/http/media_type.hpp"
#include "routes/http/validation.hpp"

namespace emu::routes::dis {

namespace {

std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int written =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

// Stored data is base64 the handlers or the fixture loader checked; anything else is a broken invariant.
std::string base64_decode(std::string_view text) {
    std::string out(text.size() / 4 * 3, '\0');
    const int written =
        EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (written < 0) throw std::logic_error("stored DIS record data is not base64");
    std::size_t padding = 0;
    for (auto it = text.rbegin(); it != text.rend() && *it == '=' && padding < 2; ++it) ++padding;
    out.resize(static_cast<std::size_t>(written) - padding);
    return out;
}

response protobuf_response(const google::protobuf::MessageLite& message) {
    std::string body;
    // Every required field is set by the callers; a failure here is a bug, answered as DIS.5000.
    if (!message.SerializeToString(&body)) throw std::logic_error("cannot serialise a protobuf answer");
    return response{200, std::move(body), std::string(protobuf_content_type), {}, false, 0};
}

class document_builder {
  public:
    explicit document_builder(rapidjson::Document& doc) : doc_(doc) {}

    // A string member, when the protobuf string is not empty; it must be UTF-8, as a JSON one must.
    void text(rapidjson::Value& object, const char* name, const std::string& value, const std::string& path) {
        if (value.empty()) return;
        if (!is_utf8(value)) throw dis_invalid_request(path + ": is not valid UTF-8");
        object.AddMember(rapidjson::StringRef(name), rapidjson::Value(value, doc_.GetAllocator()),
                         doc_.GetAllocator());
    }

    rapidjson::Value entry(const pb::PutRecordsRequestEntry& record, const std::string& path) {
        rapidjson::Value out(rapidjson::kObjectType);
        auto& allocator = doc_.GetAllocator();
        out.AddMember("data", rapidjson::Value(base64_encode(record.data()), allocator), allocator);
        text(out, "partition_id", record.partitionid(), path + ".partitionId");
        text(out, "explicit_hash_key", record.explicithashkey(), path + ".explicitHashKey");
        text(out, "partition_key", record.partitionkey(), path + ".partitionKey");
        if (record.has_timestamp()) out.AddMember("timestamp", record.timestamp(), allocator);
        return out;
    }

  private:
    rapidjson::Document& doc_;
};

}  // namespace

rapidjson::Document put_records_document(std::string_view body) {
    if (body.empty()) throw dis_error("DIS.4202");
    if (body.size() > dis_max_body_bytes) {
        throw dis_invalid_request("request body: must be at most 5 MB (5242880 bytes)");
    }
    pb::PutRecordsRequest message;
    if (!message.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
        throw dis_invalid_request("request body: not a protobuf PutRecordsRequest");
    }
    rapidjson::Document doc;
    doc.SetObject();
    document_builder build(doc);
    build.text(doc, "stream_name", message.streamname(), "streamName");
    build.text(doc, "stream_id", message.streamid(), "streamId");
    rapidjson::Value records(rapidjson::kArrayType);
    for (int i = 0; i < message.records_size(); ++i) {
        records.PushBack(build.entry(message.records(i), "records[" + std::to_string(i) + "]"),
                         doc.GetAllocator());
    }
    doc.AddMember("records", records, doc.GetAllocator());
    return doc;
}

response put_records_protobuf_answer(const std::vector<state::record_result>& results) {
    pb::PutRecordsResult answer;
    answer.set_failedrecordcount(0);
    for (const auto& result : results) {
        auto* entry = answer.add_records();
        entry->set_shardid(shard_id(result.partition));
        entry->set_sequencenumber(std::to_string(result.sequence_number));
    }
    return protobuf_response(answer);
}

response get_records_protobuf_answer(const std::vector<state::dis_record>& records,
                                     const std::string& next_cursor) {
    pb::GetRecordsResult answer;
    answer.set_nextsharditerator(next_cursor);
    for (const auto& record : records) {
        auto* out = answer.add_records();
        if (record.partition_key) out->set_partitionkey(*record.partition_key);
        out->set_sequencenumber(std::to_string(record.sequence_number));
        out->set_data(base64_decode(record.data));
        out->set_timestamp(record.timestamp);
        out->set_timestamptype("CreateTime");
    }
    return protobuf_response(answer);
}

}  // namespace emu::routes::dis
