"""Names of the site's role groups (created by a data migration)."""

EDITOR = "Editor"
BANDITORE = "Banditore"
ADERENTE = "Aderente"
OE = "OE"
TUTTI = (EDITOR, BANDITORE, ADERENTE, OE)
