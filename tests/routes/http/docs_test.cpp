// docs/routes.md and the route table describe the same routes: every route registered is documented,
// and every documented route is registered, with the same method, path template and operation name.

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "routes/pipeline.hpp"

namespace emu::test {
namespace {

using route_key = std::tuple<std::string, std::string, std::string>;  // method, path template, operation

const std::string routes_page = std::string(EMU_SOURCE_DIR) + "/docs/routes.md";

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// The cells of a markdown table row; `\|` inside a cell is not a separator.
std::vector<std::string> split_row(const std::string& line) {
    std::vector<std::string> cells;
    std::string cell;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) {
            cells.push_back(trim(cell));
            cell.clear();
        } else {
            cell.push_back(line[i]);
        }
    }
    cells.push_back(trim(cell));
    if (cells.size() < 2) return {};
    return {cells.begin() + 1, cells.end() - 1};  // what lies outside the first and last bar
}

bool is_method(const std::string& text) {
    if (text.empty()) return false;
    for (const char c : text) {
        if (!std::isupper(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

bool is_operation(const std::string& text) {
    if (text.empty()) return false;
    for (const char c : text) {
        if (!std::isalnum(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

// The path cell holds the template alone, as one code span.
bool is_path_cell(const std::string& cell) {
    return cell.size() > 3 && cell.front() == '`' && cell.back() == '`' && cell[1] == '/' &&
           cell.find('`', 1) == cell.size() - 1;
}

struct route_tables {
    std::vector<std::pair<route_key, int>> rows;  // each documented route with its line number
    std::vector<std::string> problems;            // rows of a route table that do not parse
    int tables = 0;
};

// Reads every route table of the page: a table whose header begins with the cells Method and Path and
// has an Operation or SDK operation cell.
route_tables read_route_tables(const std::string& path) {
    std::ifstream in(path);
    route_tables out;
    if (!in) {
        out.problems.push_back("cannot read " + path);
        return out;
    }
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (!lines[i].starts_with("|")) continue;
        const auto header = split_row(lines[i]);
        if (header.size() < 3 || header[0] != "Method" || header[1] != "Path") continue;
        std::size_t operation_column = 0;
        for (std::size_t c = 2; c < header.size(); ++c) {
            if (header[c] == "Operation" || header[c] == "SDK operation") operation_column = c;
        }
        if (operation_column == 0) {
            out.problems.push_back("line " + std::to_string(i + 1) +
                                   ": a route table without an operation column");
            continue;
        }
        ++out.tables;
        for (i += 2; i < lines.size() && lines[i].starts_with("|"); ++i) {
            const int number = static_cast<int>(i + 1);
            const auto cells = split_row(lines[i]);
            if (cells.size() != header.size() || !is_method(cells[0]) || !is_path_cell(cells[1]) ||
                !is_operation(cells[operation_column])) {
                out.problems.push_back("line " + std::to_string(number) + " is not a route row: " + lines[i]);
                continue;
            }
            out.rows.push_back(
                {{cells[0], cells[1].substr(1, cells[1].size() - 2), cells[operation_column]}, number});
        }
    }
    return out;
}

TEST(docs, route_tables_match_the_route_table) {
    const auto tables = read_route_tables(routes_page);
    for (const auto& problem : tables.problems) ADD_FAILURE() << routes_page << ": " << problem;
    EXPECT_EQ(tables.tables, 3) << "DMS for Kafka, DIS and the control plane";

    std::set<route_key> documented;
    for (const auto& [key, line] : tables.rows) {
        const auto& [method, path, operation] = key;
        EXPECT_TRUE(documented.insert(key).second) << "docs/routes.md:" << line << " documents " << method
                                                   << " " << path << " " << operation << " twice";
    }
    std::set<route_key> registered;
    const auto router = routes::make_pipeline();
    for (const auto& r : router.routes()) registered.emplace(r.method, r.path_template, r.operation);
    ASSERT_FALSE(registered.empty());

    for (const auto& [method, path, operation] : documented) {
        EXPECT_TRUE(registered.contains({method, path, operation}))
            << "documented in docs/routes.md, not in the route table: " << method << " " << path << " "
            << operation;
    }
    for (const auto& [method, path, operation] : registered) {
        EXPECT_TRUE(documented.contains({method, path, operation}))
            << "in the route table, not documented in docs/routes.md: " << method << " " << path << " "
            << operation;
    }
}

// The checks above rely on the row parser; pin what it takes and what it refuses.
TEST(docs, route_rows_parse_as_the_page_writes_them) {
    EXPECT_EQ(split_row("| GET | `/a/{b}` | ShowA | 200 `{\"x\":1\\|2}` |"),
              (std::vector<std::string>{"GET", "`/a/{b}`", "ShowA", "200 `{\"x\":1\\|2}`"}));
    EXPECT_TRUE(is_path_cell("`/v2/{project_id}/checkpoints`"));
    EXPECT_FALSE(is_path_cell("`/v2/{project_id}/instances?engine=kafka` (JSON body)"));
    EXPECT_FALSE(is_path_cell("`/a` or `/b`"));
    EXPECT_FALSE(is_path_cell("/v2/{project_id}/checkpoints"));
    EXPECT_TRUE(is_method("DELETE"));
    EXPECT_FALSE(is_method("Delete"));
    EXPECT_TRUE(is_operation("DeleteKafkaTopicMessages"));
    EXPECT_FALSE(is_operation("Delete messages"));
}

}  // namespace
}  // namespace emu::test
