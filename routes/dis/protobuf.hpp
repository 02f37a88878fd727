#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

#include "routes/http/request.hpp"
#include "state/dis/store.hpp"

// PutRecords and GetRecords in protobuf (routes/dis/records.proto), as DIS's native SDKs send and read
// them with Content-Type: application/x-protobuf. Only the body format differs from JSON: a protobuf
// request is read into the JSON document the handler reads anyway, so both go through one validation,
// and a protobuf answer carries what the JSON one does. Record data is bytes in protobuf and base64 in
// JSON (and in the store), so either form reads what the other wrote.
namespace emu::routes::dis {

// A PutRecordsRequest as the JSON body of SendRecords: stream_name, stream_id (when not empty), and
// records[] with data in base64, partition_id, explicit_hash_key and partition_key when not empty (an
// absent protobuf string reads as "", so the SDKs' own conversion sees no difference either), and
// timestamp when set; extendedInfo (file uploads) is ignored. Refused in DIS's words: an empty body
// DIS.4202, over 5 MB or not a PutRecordsRequest (or a string that is not UTF-8) DIS.4200.
rapidjson::Document put_records_document(std::string_view body);

// PutRecordsResult: failedRecordCount 0 and one entry per stored record, shardId and sequenceNumber
// without errorCode or errorMessage (the SDKs read an entry with an errorCode as failed).
response put_records_protobuf_answer(const std::vector<state::record_result>& results);

// GetRecordsResult: nextShardIterator, and per record partitionKey (when one was sent), sequenceNumber,
// data as raw bytes, timestamp and timestampType CreateTime.
response get_records_protobuf_answer(const std::vector<state::dis_record>& records,
                                     const std::string& next_cursor);

}  // namespace emu::routes::dis
