#pragma once
// --config FILE for the daemons (server, room): Boost.Program_options' config-file
// syntax ("key = value" lines, '#' comments, "[section]" prefixes), one line per option,
// named as on the command line without the dashes. The command line wins over the file.
// Unlike program_options' own reader, every error names the file and the line.

#include <boost/program_options.hpp>

#include <istream>
#include <optional>
#include <string>

namespace imchat::cmd {

// Stores the file's values into `vm` (values already there, from the command line, are
// kept). Returns "FILE:LINE: what is wrong" for an unreadable file, a malformed line, an
// unknown key or a bad value; nullopt when all went in.
std::optional<std::string> read_config_file(const std::string& path,
                                            const boost::program_options::options_description& allowed,
                                            boost::program_options::variables_map& vm);

// The same for text already open: `in` is read to its end, and `name` stands for the file
// in the messages ("NAME:LINE: ..."). The path version opens the file and calls this.
std::optional<std::string> read_config_file(std::istream& in, const std::string& name,
                                            const boost::program_options::options_description& allowed,
                                            boost::program_options::variables_map& vm);

}  // namespace imchat::cmd
