"""Names for demo people: common given names and family names of Jawa Timur and Nusa Tenggara Timur.

Our own short lists (not a library's private data): demo rows only need to look like the places they are in.
"""

GIVEN_NAMES = (
    "agus", "ahmad", "andi", "anton", "arif", "bambang", "bayu", "budi", "dedi", "dewi", "dian", "eko", "endang",
    "fajar", "fransiskus", "hadi", "hendra", "heru", "ida", "imam", "indah", "joko", "kornelis", "lestari",
    "lukas", "maria", "markus", "marselina", "muhammad", "nur", "nurul", "paulus", "petrus", "puji", "rahmat",
    "ratna", "rina", "rudi", "sari", "siti", "slamet", "sri", "sugeng", "suharti", "sutrisno", "teguh", "tri",
    "wahyu", "wati", "widodo", "yohanes", "yosef", "yuliana", "yusuf",
)  # fmt: skip
FAMILY_NAMES = (
    "bana", "boimau", "fallo", "hidayat", "kase", "kusuma", "lake", "manek", "nahak", "nope", "pratama", "purnomo",
    "rahayu", "saputra", "santoso", "seran", "setiawan", "sulistyo", "susanto", "taek", "tefa", "tallo",
    "wibowo", "wijaya", "yulianto",
)  # fmt: skip
