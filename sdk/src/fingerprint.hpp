#pragma once
// The device fingerprint: a salted SHA-256 of the operating system's machine id, so the
// server can tell computers apart without ever seeing the id itself.

#include <optional>
#include <string>

namespace seatwise::sdk {

// Where Linux keeps the machine id.
inline constexpr const char* kLinuxMachineIdPath = "/etc/machine-id";

// 64 lowercase hex characters: SHA-256 of the machine id (surrounding whitespace removed)
// followed by a fixed salt. Nothing, with `error` set, when the file is missing or empty.
std::optional<std::string> FingerprintFromMachineIdFile(const std::string& path,
                                                        std::string& error);

// This computer's fingerprint; `unsupported` is set on platforms without a machine id yet.
std::optional<std::string> DeviceFingerprint(bool& unsupported, std::string& error);

// The fingerprint a client goes by: of `machine_id_file` when one is configured, otherwise
// DeviceFingerprint.
std::optional<std::string> ClientFingerprint(const std::string& machine_id_file, bool& unsupported,
                                             std::string& error);

}  // namespace seatwise::sdk
