"""The demo job: a skewed many-to-many JOIN that makes executor memory spike, then the same
question asked as a LEFT SEMI JOIN, which does not.

"Which orders had at least one matching event?" Written as an inner join plus distinct, every
order of the hot key meets every event of it (3,000 x 3,000 = 9 M rows in one task) and the
sort behind it fills that executor's execution memory. The LEFT SEMI JOIN stops at the first
match and never builds the product.
"""
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

spark = SparkSession.builder.getOrCreate()
sc = spark.sparkContext
print(f"APP_ID={sc.applicationId}", flush=True)

HOT, ORDERS, EVENTS = 3000, 300_000, 150_000
orders = spark.range(0, ORDERS, numPartitions=8).selectExpr(
    f"id AS order_id", f"CASE WHEN id < {HOT} THEN 0 ELSE id % 5000 + 1 END AS customer")
events = spark.range(0, EVENTS, numPartitions=8).selectExpr(
    f"CASE WHEN id < {HOT} THEN 0 ELSE id % 5000 + 1 END AS customer", "id AS event_id",
    "repeat('x', 40) AS payload")

sc.setJobDescription("many-to-many JOIN")
exploded = (orders.join(events, "customer")
            .select("order_id", "payload", "event_id").orderBy("payload", "event_id")
            .dropDuplicates(["order_id"]).count())
print(f"JOIN_RESULT={exploded}", flush=True)

sc.setJobDescription("LEFT SEMI JOIN")
semi = orders.join(events, "customer", "left_semi").count()
print(f"SEMI_RESULT={semi}", flush=True)
print(f"RESULT={'ok' if exploded == semi else 'wrong'}", flush=True)
spark.stop()
