"""The exchange with the municipal linkage server: protocol, client, reference
server, and the fetch / entry / send workflows."""
