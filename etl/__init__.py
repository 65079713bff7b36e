"""ETL: extract (CBS/PDOK or the shared extracts) → transform → load."""
