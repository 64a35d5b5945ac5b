"""The demo job: a skewed many-to-many JOIN that makes one executor's memory spike, then the
same question asked as a LEFT SEMI JOIN, which does not.

"Which orders had matching events, in event order?" Written as an inner join, every order of
the hot customer meets every event of it (3,000 x 3,000 = 9 M rows, all in one partition),
and sorting that partition fills its executor's execution memory and spills. The LEFT SEMI
JOIN keeps each order once and never builds the product. A Python UDF in the second query
shows PySpark workers (the "children" family) too.
"""
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import IntegerType

spark = SparkSession.builder.getOrCreate()
sc = spark.sparkContext
print(f"APP_ID={sc.applicationId}", flush=True)

HOT, ORDERS, EVENTS = 3000, 300_000, 150_000
orders = spark.range(0, ORDERS, numPartitions=8).selectExpr(
    "id AS order_id", f"CASE WHEN id < {HOT} THEN 0 ELSE id % 5000 + 1 END AS customer")
events = spark.range(0, EVENTS, numPartitions=8).selectExpr(
    f"CASE WHEN id < {HOT} THEN 0 ELSE id % 5000 + 1 END AS customer", "id AS event_id",
    "repeat('x', 40) AS payload")

sc.setJobDescription("many-to-many JOIN")
(orders.join(events, "customer").sortWithinPartitions("event_id", "order_id")
 .write.format("noop").mode("overwrite").save())

sc.setJobDescription("LEFT SEMI JOIN")
digits = F.udf(lambda n: len(str(n)), IntegerType())
semi = orders.join(events, "customer", "left_semi").filter(digits("order_id") > 0)  # a filter: the UDF must run
n = semi.count()
print(f"SEMI_RESULT={n}", flush=True)
# Every customer of an order has events, so every order survives the semi join.
print(f"RESULT={'ok' if n == ORDERS else 'wrong'}", flush=True)
spark.stop()
