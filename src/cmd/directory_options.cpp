#include "cmd/directory_options.hpp"

#include "directory/directory_address.hpp"
#include "util/key_file.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>

namespace imchat::cmd {

namespace {

constexpr const char* etcd_only[] = {"etcd-prefix", "etcd-ca", "etcd-cert", "etcd-key", "etcd-user",
                                     "etcd-password-file"};

bool given(const po::variables_map& vm, const char* option) { return vm.count(option) && !vm[option].defaulted(); }

// The file an option names, else the credential standing for it (key_options.hpp): etcd-ca,
// etcd-cert, etcd-key and etcd-password stand for the options of those names
// (etcd-password: --etcd-password-file).
std::optional<std::string> file_from(const po::variables_map& vm, const char* option, const char* id) {
  if (vm.count(option)) return vm[option].as<std::string>();
  return credential(id);
}

std::optional<std::string> password_file_from(const po::variables_map& vm) {
  return file_from(vm, "etcd-password-file", "etcd-password");
}

}  // namespace

void add_directory_option(cli_spec& spec) {
  spec.options.add_options()
      ("directory,d", po::value<std::string>()->value_name("ADDRESS"),
       "the directory: imchat's own, HOST[:PORT], or an etcd cluster, etcd://HOST[:PORT][,HOST[:PORT]...] "
       "(default: $IMCHAT_DIRECTORY, else localhost:5682)");
}

void add_directory_options(cli_spec& spec) {
  add_directory_option(spec);
  spec.options.add_options()
      ("etcd-prefix", po::value<std::string>()->default_value("/imchat/")->value_name("PREFIX"),
       "with an etcd directory: the key prefix the names are kept under")
      ("etcd-ca", po::value<std::string>()->value_name("FILE"),
       "with an etcd directory: talk TLS to its members, whose certificates this CA signs")
      ("etcd-cert", po::value<std::string>()->value_name("FILE"),
       "with an etcd directory: this client's certificate, where etcd asks for one (with --etcd-key)")
      ("etcd-key", po::value<std::string>()->value_name("FILE"), "the private key of --etcd-cert")
      ("etcd-user", po::value<std::string>()->value_name("NAME"),
       "with an etcd directory: etcd's user to act as (its password in --etcd-password-file)")
      ("etcd-password-file", po::value<std::string>()->value_name("FILE"),
       "the file that holds --etcd-user's password, its one line (mode 0600)");
}

std::string directory_address(const po::variables_map& vm) {
  if (vm.count("directory")) return vm["directory"].as<std::string>();
  if (const char* from_environment = std::getenv("IMCHAT_DIRECTORY"); from_environment && *from_environment)
    return from_environment;
  return "localhost:5682";
}

std::optional<std::string> directory_options_problem(const po::variables_map& vm) {
  std::string why;
  if (vm.count("directory") && directory::check_directory_address(vm["directory"].as<std::string>(), why)) return why;
  const bool etcd = directory::is_etcd_address(directory_address(vm));
  for (const auto* option : etcd_only)
    if (given(vm, option) && !etcd)
      return fmt::format("--{} is for a directory on etcd (--directory etcd://HOST:PORT,...)", option);
  if (!etcd) return std::nullopt;
  if (given(vm, "directory-key-file"))
    return "--directory-key-file is for imchat's own directory; an etcd directory takes --etcd-ca, --etcd-cert, "
           "--etcd-key and --etcd-user";
  if (file_from(vm, "etcd-cert", "etcd-cert").has_value() != file_from(vm, "etcd-key", "etcd-key").has_value())
    return "--etcd-cert and --etcd-key go together";
  if (given(vm, "etcd-password-file") && !given(vm, "etcd-user")) return "--etcd-password-file needs --etcd-user";
  if (given(vm, "etcd-user") && !password_file_from(vm))
    return "--etcd-user needs --etcd-password-file (a password never goes on the command line)";
  if (given(vm, "etcd-user") && vm["etcd-user"].as<std::string>().empty()) return "--etcd-user is empty";
  if (vm.count("etcd-prefix")) {
    const auto& prefix = vm["etcd-prefix"].as<std::string>();
    if (prefix.empty()) return "--etcd-prefix is empty: the names would mix with every other key";
  }
  return std::nullopt;
}

directory::locator_options locator_options_from(const po::variables_map& vm, std::chrono::milliseconds peer_timeout,
                                                const key_set& keys) {
  directory::locator_options options;
  options.peer_timeout = peer_timeout;
  const auto address = directory_address(vm);
  if (!directory::is_etcd_address(address)) {
    options.key = keys.directory;
    return options;
  }
  auto& etcd = options.etcd;
  if (vm.count("etcd-prefix")) etcd.prefix = vm["etcd-prefix"].as<std::string>();
  etcd.ca_file = file_from(vm, "etcd-ca", "etcd-ca").value_or("");
  etcd.cert_file = file_from(vm, "etcd-cert", "etcd-cert").value_or("");
  etcd.key_file = file_from(vm, "etcd-key", "etcd-key").value_or("");
  if (vm.count("etcd-user")) {
    etcd.user = vm["etcd-user"].as<std::string>();
    etcd.password = read_password_file(*password_file_from(vm));
  }
  if (keys.own && etcd.ca_file.empty())
    spdlog::warn("the room has a key, but its directory {} is reached without TLS (--etcd-ca): the room's name "
                 "and where it listens cross the network in clear",
                 address);
  return options;
}

}  // namespace imchat::cmd
