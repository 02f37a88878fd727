// The files --data-dir reads back (persist/framed_file.hpp, segment_log.hpp), given any bytes, as a crash
// or a damaged disk may leave them. The first byte picks what the rest is:
//   0  the contents of a framed file: scan_records either throws corrupt_file or returns records whose
//      frames, written again, are exactly the first intact_bytes of the input, with a torn tail reported
//      exactly when bytes are left after them;
//   1  the only segment of a segment log: open either throws corrupt_file or recovers entries in offset
//      order; an entry appended after them is there, after them, when the log is opened again;
//   2  a metadata log: open either throws corrupt_file or gives a map; a change applied to it is there,
//      with the rest of the map unchanged, when the log is opened again.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "persist/entity_log.hpp"
#include "persist/framed_file.hpp"
#include "persist/segment_log.hpp"

namespace {

namespace fs = std::filesystem;
namespace ep = emu::persist;

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "persist_files: %s\n", what);
    std::abort();
}

void framed(std::string_view bytes) {
    ep::scanned_file scanned;
    try {
        scanned = ep::scan_records(bytes, "input");
    } catch (const ep::corrupt_file& e) {
        if (e.offset() >= bytes.size()) fail("corruption named past the end");
        return;
    }
    std::string again;
    for (const auto& r : scanned.records) again += ep::frame_record(r);
    if (again.size() != scanned.intact_bytes || bytes.substr(0, again.size()) != again)
        fail("the records do not frame back to the intact bytes");
    if (scanned.torn.has_value() != (scanned.intact_bytes < bytes.size()))
        fail("a torn tail reported wrongly");
}

void segment(std::string_view bytes) {
    static const fs::path dir = fs::temp_directory_path() / ("fuzz-persist-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "00000000000000000000.seg", std::ios::binary) << bytes;
    std::size_t count = 0;
    std::int64_t next = 0;
    {
        ep::segment_log log(dir, ep::fsync_policy::never, 1024);
        ep::recovered_log r;
        try {
            r = log.open();
        } catch (const ep::corrupt_file&) {
            return;
        }
        std::int64_t last = -1;
        for (const auto& e : r.entries) {
            if (e.first <= last || e.last < e.first) fail("entries out of order");
            last = e.last;
        }
        count = r.entries.size();
        next = last + 1;
        log.append(next, next, "appended");
    }
    ep::segment_log log(dir, ep::fsync_policy::never, 1024);
    const auto r = log.open();
    if (r.entries.size() != count + 1 || r.entries.back().first != next ||
        r.entries.back().bytes != "appended")
        fail("the appended entry is not where it was written");
    if (!r.cut.empty()) fail("a second open cut something");
}

void metadata(std::string_view bytes) {
    static const fs::path dir = fs::temp_directory_path() / ("fuzz-metadata-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "metadata.log", std::ios::binary) << bytes;
    std::map<std::string, std::string> expected;
    {
        ep::entity_log log(dir, ep::fsync_policy::never);
        try {
            expected = log.open();
        } catch (const ep::corrupt_file&) {
            return;
        }
        const std::string key = expected.empty() ? "k" : expected.begin()->first;
        log.apply({{key, "changed"}, {"added", "value"}});
        expected[key] = "changed";
        expected["added"] = "value";
    }
    ep::entity_log log(dir, ep::fsync_policy::never);
    std::vector<std::string> cut;
    if (log.open(&cut) != expected) fail("the metadata log does not hold what was applied");
    if (!cut.empty()) fail("a second open cut something");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 3) {
        case 0:
            framed(bytes);
            break;
        case 1:
            segment(bytes);
            break;
        default:
            metadata(bytes);
            break;
    }
    return 0;
}
