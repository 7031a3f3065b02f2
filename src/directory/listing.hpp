#pragma once
// The directory's contents as a table for people (`imchat server --list`): one row per
// name, columns NAME, KIND, ENDPOINTS and OWNER, aligned. Every cell is user data from
// the network (names, endpoints) or comes from the directory (owner): each is printed
// with printable_text, so no listing can drive the terminal it is shown on.

#include "wire/directory_frames.hpp"

#include <string>
#include <vector>

namespace imchat::directory {

// The table, a header line and one line per record in the order given, each ending in
// '\n'. Columns are separated by at least two spaces; endpoints within a cell by ','.
std::string format_listing(const std::vector<wire::record>& records);

}  // namespace imchat::directory
