"""Domain logic and queries; each public use case owns its one transaction."""
