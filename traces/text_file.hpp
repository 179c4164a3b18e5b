#pragma once
// Internal: whole-file text I/O for the trace readers and writers. Errors are InputError
// naming the path and the OS reason.
#include <string>
#include <string_view>

namespace clustersim::traces_detail {

// The whole content of a regular file (or anything readable, e.g. a pipe).
std::string read_text_file(const std::string& path);
// Replaces `path` with `text`.
void write_text_file(const std::string& path, std::string_view text);
// "dir/name.swf" -> "name.swf".
std::string base_name(const std::string& path);

}  // namespace clustersim::traces_detail
