<?php

namespace Harness;

/** What a harness page produced: status, body, and where it redirects. */
final class Response
{
    public int $status;
    public string $body;
    public ?string $location;

    public function __construct(int $status, string $body, ?string $location = null)
    {
        $this->status = $status;
        $this->body = $body;
        $this->location = $location;
    }

    public function send(): void
    {
        http_response_code($this->status);
        if ($this->location !== null) {
            header('Location: ' . $this->location);
        }
        echo $this->body;
    }
}
