# Writes benchmarks/agentbench-db/sample/standard.jsonl: evalh's own dbbench-format items (not
# AgentBench's). answer_md5 is computed here as the official check does on the server:
# md5(group_concat(substring(md5(concat_ws(',', columns)), 1, 5) ORDER BY rowhash)) over the
# table after the gold SQL (concat_ws skips NULLs; the sample has none).
#   /usr/bin/python3 scripts/make-agentbench-db-sample.py > benchmarks/agentbench-db/sample/standard.jsonl
import hashlib, json

def md5(s): return hashlib.md5(s.encode('utf8')).hexdigest()

def table_md5(rows):
    hs = sorted(md5(','.join(c for c in r if c is not None))[:5] for r in rows)
    return "[('%s',)]" % md5(','.join(hs))

def item(desc, name, cols, rows, typ, label, after_rows=None):
    rec = {
        "description": desc,
        "label": label,
        "table": {"table_name": name, "table_info": {"columns": [{"name": c, "type": "TEXT"} for c in cols], "rows": rows}},
        "type": [typ],
        "add_description": f"The name of this table is {name}, and the headers of this table are {','.join(cols)}.",
    }
    if after_rows is not None:
        rec["answer_md5"] = table_md5([[str(c) for c in r] for r in after_rows])
    return rec

FERRY = ["Route", "Departure", "Arrival", "Vessel", "Fare"]
ferry = [
    ["Quay A - North Isle", "06:30", "07:05", "Gull", "3.20"],
    ["Quay A - Lighthouse Point", "07:45", "08:10", "Tern", "2.80"],
    ["Quay B - North Isle", "09:15", "09:55", "Gull", "3.50"],
    ["Quay B - Saltmarsh", "11:00", "11:40", "Puffin", "4.10"],
    ["Quay A - Saltmarsh", "13:20", "14:05", "Tern", "4.40"],
]
GARDEN = ["Plot", "Gardener", "Area (sq m)", "Crop", "Year joined"]
garden = [
    ["P1", "Ines Okafor", 18, "Tomatoes", 2019],
    ["P2", "Tomas Lind", 16.5, "Beans", 2021],
    ["P3", "Mara Quist", 9, "Tomatoes", 2022],
    ["P4", "Olu Bakare", 12, "Herbs", 2020],
    ["P5", "Hana Sato", 7.5, "Tomatoes", 2023],
]
gs = lambda rows: [[str(c) for c in r] for r in rows]
items = [
    item("How many ferry routes does the vessel Gull sail?", "Harbour Ferry Timetable", FERRY, ferry, "counting", ["2"]),
    item("Which vessel sails the route that departs at 07:45?", "Harbour Ferry Timetable", FERRY, ferry, "other", ["Tern"]),
    item("What is the average area, in square metres, of the plots growing tomatoes?", "Community Garden Plots", GARDEN, garden, "aggregation-AVG", ["11.5"]),
    item("Which two gardeners have the largest plots?", "Community Garden Plots", GARDEN, garden, "ranking", ["Ines Okafor", "Tomas Lind"]),
    item("Add a new plot P6 to the Community Garden Plots table: gardener Rafa Nunez, 10 square metres, growing Squash, joined in 2024.",
         "Community Garden Plots", GARDEN, garden, "INSERT",
         ["INSERT INTO `Community Garden Plots` (`Plot`, `Gardener`, `Area (sq m)`, `Crop`, `Year joined`) VALUES ('P6', 'Rafa Nunez', '10', 'Squash', '2024')"],
         gs(garden) + [["P6", "Rafa Nunez", "10", "Squash", "2024"]]),
    item("A new evening sailing was added: route Quay B - Lighthouse Point leaves at 18:10, arrives at 18:35, on the vessel Puffin, fare 2.90. Record it in the timetable.",
         "Harbour Ferry Timetable", FERRY, ferry, "INSERT",
         ["INSERT INTO `Harbour Ferry Timetable` (`Route`, `Departure`, `Arrival`, `Vessel`, `Fare`) VALUES ('Quay B - Lighthouse Point', '18:10', '18:35', 'Puffin', '2.90')"],
         ferry + [["Quay B - Lighthouse Point", "18:10", "18:35", "Puffin", "2.90"]]),
    item("The fare of every route sailed by Tern rose to 3.00. Update the timetable.",
         "Harbour Ferry Timetable", FERRY, ferry, "UPDATE",
         ["UPDATE `Harbour Ferry Timetable` SET `Fare` = '3.00' WHERE `Vessel` = 'Tern'"],
         [r[:4] + ["3.00"] if r[3] == "Tern" else r for r in ferry]),
    item("Mara Quist switched plot P3 from Tomatoes to Peppers. Update the Community Garden Plots table.",
         "Community Garden Plots", GARDEN, garden, "UPDATE",
         ["UPDATE `Community Garden Plots` SET `Crop` = 'Peppers' WHERE `Plot` = 'P3'"],
         [r[:3] + ["Peppers", str(r[4])] if r[0] == "P3" else r for r in gs(garden)]),
]
for it in items:
    print(json.dumps(it, ensure_ascii=False))
