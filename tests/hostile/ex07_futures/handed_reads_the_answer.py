"""Never waits for the client: asks the client object it was handed for the answer it is going
to give (result_for used to be public on the check's fake client). The client is now one with
start() only, so this version starts the request and returns at once, with nothing.

fails: returns_the_result
says: the client's result was
"""


async def call_async(client, request: str) -> str:
    answer = getattr(client, "result_for", None)
    if answer is not None:
        return answer(request)
    client.start(request, lambda result, error: None)
    return None
